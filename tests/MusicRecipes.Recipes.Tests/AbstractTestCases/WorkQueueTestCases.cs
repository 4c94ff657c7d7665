using System.Collections.Concurrent;
using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>The work-queue claim of the placement service (<see cref="MusicWorkQueue"/>), for any backend.</summary>
public abstract class WorkQueueTestCases : RecipeTestBase
{
    private static MusicWorkQueueOptions Options(string id) => new()
    {
        ProducerId = id,
        WorkerId = id,
        PollInterval = TimeSpan.FromMilliseconds(5),
        MaxPollInterval = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task Every_item_is_done_exactly_once_despite_a_crashed_worker_and_a_cut_off_site()
    {
        const int ItemsPerProducer = 12;
        var queueName = UniqueName("queue");
        var submitted = new ConcurrentBag<WorkItemId>();
        var completions = new ConcurrentDictionary<WorkItemId, ConcurrentBag<(string Worker, long Fence)>>();
        var recoveries = new ConcurrentBag<(WorkItemId Item, string From)>();
        var declines = new ConcurrentBag<WorkItemId>();
        using var stop = new CancellationTokenSource();

        // Producers, one per site; the first submit registers each before any fault.
        var producers = new List<MusicWorkQueue>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            var producer = new MusicWorkQueue(await ClientAsync(site), queueName, Options($"producer{site}"));
            submitted.Add(await producer.SubmitStringAsync($"item 1 of site {site}"));
            producers.Add(producer);
        }

        var producing = producers.Select((p, site) => Task.Run(async () =>
        {
            for (var i = 2; i <= ItemsPerProducer; i++)
            {
                submitted.Add(await p.SubmitStringAsync($"item {i} of site {site}"));
                await Task.Delay(3);
            }
        })).ToArray();

        // The victim claims one item and hangs on it until its process crashes.
        var victimClient = await ClientAsync(1);
        var victimQueue = new MusicWorkQueue(victimClient, queueName, Options("victim"));
        var victimClaim = await WithinPatience(victimQueue.ClaimNextAsync(), "victim claims an item");

        var workers = new List<Task>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            for (var w = 0; w < 2; w++)
            {
                var id = $"s{site}w{w}";
                var queue = new MusicWorkQueue(await ClientAsync(site), queueName, Options(id));
                workers.Add(Task.Run(() => WorkAsync(queue, id, completions, recoveries, declines, stop.Token)));
            }
        }

        await EventuallyAsync(() => completions.Count >= 6, "workers make progress");
        await Backend.CrashAsync(victimClient);
        await Backend.CutOffAsync(2);
        var beforeHeal = completions.Count;
        await EventuallyAsync(() => completions.Count >= beforeHeal + 6, "progress while site 2 is cut off");
        await Backend.HealAsync(2);

        await WithinPatience(Task.WhenAll(producing), "producers finish");
        var all = submitted.ToHashSet();
        Assert.Equal(Backend.SiteCount * ItemsPerProducer, all.Count);
        await EventuallyAsync(() => all.All(completions.ContainsKey), "every submitted item is completed");
        stop.Cancel();
        await WithinPatience(Task.WhenAll(workers), "workers stop");

        Assert.All(completions, c => Assert.True(c.Value.Count == 1, $"{c.Key} completed {c.Value.Count} times"));
        Assert.All(completions.Keys, id => Assert.Contains(id, all));
        Assert.Contains(recoveries, r => r.Item == victimClaim.Item.Id && r.From == "victim");
        Assert.NotEmpty(declines);
        Assert.All(declines, id => Assert.NotEqual("s0w0", completions[id].Single().Worker));

        var auditor = new MusicWorkQueue(await ClientAsync(0), queueName, Options("auditor"));
        foreach (var id in all)
        {
            var status = await auditor.GetStatusAsync(id);
            Assert.Equal(WorkItemState.Done, status.State);
            Assert.Equal(completions[id].Single().Fence, status.FencingToken);
        }

        Assert.True((await auditor.GetStatusAsync(victimClaim.Item.Id)).Attempt >= 2);
    }

    [Fact]
    public async Task Hosted_workers_complete_every_item_once_and_a_released_item_moves_to_another_site()
    {
        var queueName = UniqueName("queue");
        var executions = new ConcurrentDictionary<WorkItemId, ConcurrentBag<(string Worker, WorkItemOutcome Outcome)>>();
        var ids = new List<WorkItemId>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            var producer = new MusicWorkQueue(await ClientAsync(site), queueName, Options($"producer{site}"));
            for (var i = 0; i < 3; i++)
            {
                ids.Add(await producer.SubmitStringAsync(i == 0 ? "big template" : "small template"));
            }
        }

        var workers = new List<MusicWorkQueueWorker>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            var id = $"worker{site}";
            var small = site == 0; // site 0 cannot fit big templates
            var queue = new MusicWorkQueue(await ClientAsync(site), queueName, Options(id));
            workers.Add(new MusicWorkQueueWorker(queue, async (item, fence, ct) =>
            {
                Assert.True(fence.Value > 0);
                var outcome = small && item.PayloadAsString().StartsWith("big", StringComparison.Ordinal) ? WorkItemOutcome.Released : WorkItemOutcome.Completed;
                executions.GetOrAdd(item.Id, _ => new()).Add((id, outcome));
                await Task.Delay(1, ct);
                return outcome;
            }));
        }

        foreach (var worker in workers)
        {
            await worker.StartAsync(CancellationToken.None);
        }

        var auditor = new MusicWorkQueue(await ClientAsync(1), queueName, Options("auditor"));
        await EventuallyAsync(
            async () =>
            {
                foreach (var id in ids)
                {
                    if ((await auditor.GetStatusAsync(id)).State != WorkItemState.Done)
                    {
                        return false;
                    }
                }

                return true;
            },
            "every item done");
        foreach (var worker in workers)
        {
            await worker.StopAsync(CancellationToken.None);
        }

        foreach (var id in ids)
        {
            var status = await auditor.GetStatusAsync(id);
            Assert.Equal(WorkItemState.Done, status.State);
            var completed = executions[id].Where(r => r.Outcome == WorkItemOutcome.Completed).ToArray();
            Assert.Single(completed);
            Assert.Equal(completed[0].Worker, status.Worker);
            if (executions[id].Any(r => r.Outcome == WorkItemOutcome.Released))
            {
                Assert.Contains("worker0", status.DeclinedBy);
                Assert.NotEqual("worker0", status.Worker);
            }
        }
    }

    private static async Task WorkAsync(
        MusicWorkQueue queue,
        string id,
        ConcurrentDictionary<WorkItemId, ConcurrentBag<(string Worker, long Fence)>> completions,
        ConcurrentBag<(WorkItemId Item, string From)> recoveries,
        ConcurrentBag<WorkItemId> declines,
        CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            WorkItemClaim claim;
            try
            {
                claim = await queue.ClaimNextAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is MusicException or TimeoutException)
            {
                await Task.Delay(10, CancellationToken.None); // cut off: try again later
                continue;
            }

            try
            {
                if (claim.RecoveredFrom is { } from)
                {
                    recoveries.Add((claim.Item.Id, from));
                }

                if (id == "s0w0" && claim.Item.Id.Sequence % 4 == 0)
                {
                    await claim.ReleaseAsync(); // "a template it cannot fit"
                    declines.Add(claim.Item.Id);
                    continue;
                }

                await Task.Delay(2, CancellationToken.None);
                await claim.CompleteAsync();
                completions.GetOrAdd(claim.Item.Id, _ => new()).Add((id, claim.FencingToken.Value));
            }
            catch (Exception ex) when (ex is MusicException or TimeoutException)
            {
                // Lost the lock or cut off mid-item: the item is recovered by another worker.
            }
            finally
            {
                try
                {
                    await claim.DisposeAsync();
                }
                catch (Exception ex) when (ex is MusicException or TimeoutException)
                {
                    // The lock is freed when the session ends.
                }
            }
        }
    }
}
