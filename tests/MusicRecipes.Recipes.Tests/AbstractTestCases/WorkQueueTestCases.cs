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
        var ambiguous = new ConcurrentDictionary<WorkItemId, ConcurrentBag<long>>();
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

        // A worker that cannot handle the item it claims gives it back ("a template it cannot fit").
        var decliner = new MusicWorkQueue(await ClientAsync(0), queueName, Options("decliner"));
        WorkItemId declined;
        await using (var claim = await WithinPatience(decliner.ClaimNextAsync(), "decliner claims an item"))
        {
            declined = claim.Item.Id;
            await claim.ReleaseAsync();
        }

        var workers = new List<Task>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            for (var w = 0; w < 2; w++)
            {
                var id = $"s{site}w{w}";
                var queue = new MusicWorkQueue(await ClientAsync(site), queueName, Options(id));
                workers.Add(Task.Run(() => WorkAsync(queue, id, completions, ambiguous, recoveries, stop.Token)));
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
        // A completion whose lock was lost right after its write is ambiguous: it may stand, or the item is redone.
        // So wait for the items' own state, read critically, then for the completion that wrote it to be recorded.
        var auditor = new MusicWorkQueue(await ClientAsync(0), queueName, Options("auditor"));
        var statuses = new ConcurrentDictionary<WorkItemId, WorkItemStatus>();
        await EventuallyAsync(
            async () =>
            {
                foreach (var id in all.Where(i => !statuses.ContainsKey(i)))
                {
                    try
                    {
                        if (await auditor.GetStatusAsync(id) is { State: WorkItemState.Done } done)
                        {
                            statuses[id] = done;
                        }
                    }
                    catch (LockLostException)
                    {
                        // The auditor's own session ended while it waited (a loaded machine); ask again.
                    }
                }

                return statuses.Count == all.Count;
            },
            "every submitted item is done");
        await EventuallyAsync(
            () => all.All(id => completions.ContainsKey(id) || (ambiguous.TryGetValue(id, out var fences) && fences.Contains(statuses[id].FencingToken!.Value))),
            "the completion behind every done item is recorded");
        stop.Cancel();
        await WithinPatience(Task.WhenAll(workers), "workers stop");

        Assert.All(completions, c => Assert.True(c.Value.Count == 1, $"{c.Key} completed {c.Value.Count} times"));
        Assert.All(completions.Keys, id => Assert.Contains(id, all));
        foreach (var id in all)
        {
            if (completions.TryGetValue(id, out var completed))
            {
                Assert.Equal(completed.Single().Fence, statuses[id].FencingToken);
            }
            else
            {
                Assert.Contains(statuses[id].FencingToken!.Value, ambiguous[id]);
            }
        }

        Assert.Contains(recoveries, r => r.Item == victimClaim.Item.Id && r.From == "victim");
        Assert.NotEqual(victimClaim.Item.Id, declined);

        Assert.True((await auditor.GetStatusAsync(victimClaim.Item.Id)).Attempt >= 2);
        Assert.Contains("decliner", (await auditor.GetStatusAsync(declined)).DeclinedBy);
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
        ConcurrentDictionary<WorkItemId, ConcurrentBag<long>> ambiguous,
        ConcurrentBag<(WorkItemId Item, string From)> recoveries,
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

                await Task.Delay(2, CancellationToken.None);
                try
                {
                    await claim.CompleteAsync();
                }
                catch (LockLostException)
                {
                    ambiguous.GetOrAdd(claim.Item.Id, _ => new()).Add(claim.FencingToken.Value);
                    throw;
                }

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
