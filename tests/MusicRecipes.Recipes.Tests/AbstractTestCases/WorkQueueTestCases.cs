using System.Collections.Concurrent;
using System.Diagnostics;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Queue;
using MusicRecipes.Recipes.Tests.Infrastructure;
using MusicRecipes.Testing.Faults;

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
        ForeignClaimTrust = TimeSpan.FromMilliseconds(500),
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
    public async Task The_first_claim_of_an_item_reads_no_quorum_and_a_later_claim_reads_what_the_first_left()
    {
        var queueName = UniqueName("queue");
        var producer = new MusicWorkQueue(await ClientAsync(0), queueName, Options("producer"));
        var id = await producer.SubmitStringAsync("one item");
        var stateKey = RecipeKeys.QueueState(queueName, id.Producer, id.Sequence);
        var reads = new ConcurrentQueue<string?>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MusicDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.OperationName == "music.critical_get" && Equals(span.GetTagItem(MusicDiagnostics.KeyTag), stateKey))
                {
                    reads.Enqueue(span.GetTagItem(MusicDiagnostics.ConsistencyTag) as string);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        // Nobody ever held the item's lock: its state was never written, so the claim reads nothing.
        var first = new MusicWorkQueue(await ClientAsync(1 % Backend.SiteCount), queueName, Options("first"));
        await using (var claim = await WithinPatience(first.ClaimNextAsync(), "the first worker claims"))
        {
            Assert.Equal((id, 1), (claim.Item.Id, claim.Attempt));
            Assert.Empty(reads);
            await claim.ReleaseAsync(); // given back: the state now says attempt 1, declined by "first"
        }

        // The next holder is not the first: it reads the state critically, and counts the attempt on from it.
        var second = new MusicWorkQueue(await ClientAsync(2 % Backend.SiteCount), queueName, Options("second"));
        await using var again = await WithinPatience(second.ClaimNextAsync(), "the second worker claims");
        Assert.Equal((id, 2), (again.Item.Id, again.Attempt));
        Assert.NotEmpty(reads);
        await again.CompleteAsync();
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

    [Fact]
    public async Task A_submission_after_an_ambiguous_mark_write_gets_a_fresh_id_and_is_processed()
    {
        var queueName = UniqueName("queue");
        var producerClient = new FaultyClient(await ClientAsync(0));
        var producer = new MusicWorkQueue(producerClient, queueName, Options("producer"));
        var worker = new MusicWorkQueue(await ClientAsync(0), queueName, Options("worker"));

        // The high-water mark lands but the producer is told the write timed out: the submission is not acknowledged,
        // yet its item is visible, so a worker may process it (allowed for an unacknowledged submission).
        producerClient.LoseAckOfNextPut(key => key.EndsWith("/hwm", StringComparison.Ordinal));
        await Assert.ThrowsAsync<MusicTimeoutException>(() => producer.SubmitStringAsync("A"));
        await using (var claim = await WithinPatience(worker.ClaimNextAsync(), "the landed item A is claimed"))
        {
            Assert.Equal("A", claim.Item.PayloadAsString());
            await claim.CompleteAsync();
        }

        // The next acknowledged submission must not land on A's id, which is already done.
        var b = await producer.SubmitStringAsync("B");
        Assert.Equal(WorkItemState.Submitted, (await worker.GetStatusAsync(b)).State);
        await using var claimB = await WithinPatience(worker.ClaimNextAsync(), "the acknowledged item B is claimed");
        Assert.Equal(("B", b), (claimB.Item.PayloadAsString(), claimB.Item.Id));
        await claimB.CompleteAsync();
    }

    [Fact]
    public async Task A_restarted_producer_with_a_configured_id_never_reuses_an_id()
    {
        var queueName = UniqueName("queue");
        var worker = new MusicWorkQueue(await ClientAsync(0), queueName, Options("worker"));
        var a = await new MusicWorkQueue(await ClientAsync(0), queueName, Options("producer")).SubmitStringAsync("A");
        await using (var claim = await WithinPatience(worker.ClaimNextAsync(), "item A is claimed"))
        {
            Assert.Equal(("A", a), (claim.Item.PayloadAsString(), claim.Item.Id));
            await claim.CompleteAsync();
        }

        // The producer's process restarts (here at another site) with the same configured id.
        var b = await new MusicWorkQueue(await ClientAsync(1), queueName, Options("producer")).SubmitStringAsync("B");
        Assert.NotEqual(a, b);
        Assert.Equal(WorkItemState.Submitted, (await worker.GetStatusAsync(b)).State);
        await using var claimB = await WithinPatience(worker.ClaimNextAsync(), "the restarted producer's item B is claimed");
        Assert.Equal(("B", b), (claimB.Item.PayloadAsString(), claimB.Item.Id));
        await claimB.CompleteAsync();
    }

    [Fact]
    public async Task A_payload_rejected_before_it_was_written_does_not_burn_a_sequence_number()
    {
        var producer = new MusicWorkQueue(await ClientAsync(0), UniqueName("queue"), Options("producer"));
        var a = await producer.SubmitStringAsync("A");
        await Assert.ThrowsAsync<ValueTooLargeException>(() => producer.SubmitAsync(new byte[new MusicClientOptions().MaxValueBytes + 1]));
        var b = await producer.SubmitStringAsync("B");
        Assert.Equal(a with { Sequence = a.Sequence + 1 }, b);
    }

    [Fact]
    public async Task A_submit_writes_its_payload_and_the_high_water_mark_together()
    {
        var queueName = UniqueName("queue");
        var client = new FaultyClient(await ClientAsync(0));
        var producer = new MusicWorkQueue(client, queueName, Options("producer"));
        await producer.SubmitStringAsync("A"); // registers the producer first

        // The payload's put is held until the mark's put begins: written one after the other, the submit fails.
        client.HoldNextPutUntilAnotherBegins(key => key.StartsWith($"music/queue/{queueName}/p/", StringComparison.Ordinal) && !key.EndsWith("/hwm", StringComparison.Ordinal), key => key.EndsWith("/hwm", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var b = await producer.SubmitStringAsync("B");

        var worker = new MusicWorkQueue(await ClientAsync(0), queueName, Options("worker"));
        var processed = new List<string>();
        while (processed.Count < 2)
        {
            await using var claim = await WithinPatience(worker.ClaimNextAsync(), $"item {processed.Count + 1} of 2 is claimed");
            processed.Add(claim.Item.PayloadAsString());
            await claim.CompleteAsync();
        }

        Assert.Equal(["A", "B"], processed.Order());
        Assert.Equal(WorkItemState.Done, (await worker.GetStatusAsync(b)).State);
    }

    [Fact]
    public async Task A_claim_and_its_outcome_are_written_while_its_record_is_unacknowledged_and_the_outcome_wins()
    {
        var queueName = UniqueName("queue");
        var producer = new MusicWorkQueue(await ClientAsync(0), queueName, Options("producer"));
        var id = await producer.SubmitStringAsync("one item");
        var client = new FaultyClient(await ClientAsync(1 % Backend.SiteCount));
        var worker = new MusicWorkQueue(client, queueName, Options("worker"));
        var stateKey = RecipeKeys.QueueState(queueName, id.Producer, id.Sequence);

        // The claim's record ("claimed") lands, but its acknowledgement is held back: neither the claim nor the
        // outcome waits for it, and the completion returns only once it came.
        var acknowledge = client.HoldAckOfNextCriticalPut(key => key == stateKey);
        var claim = await WithinPatience(worker.ClaimNextAsync(), "the claim is handed over with its record unacknowledged");
        Assert.Equal(id, claim.Item.Id);
        var completing = claim.CompleteAsync();
        await EventuallyAsync(() => client.CriticalPutsOf(stateKey) == 2, "the outcome is sent beside the record");
        await Task.Delay(200);
        Assert.False(completing.IsCompleted, "the completion waits for the claim's record");

        acknowledge.SetResult();
        await WithinPatience(completing, "the claim completes once its record is acknowledged");
        Assert.Equal(WorkItemState.Done, (await producer.GetStatusAsync(id)).State);
    }

    [Fact]
    public async Task A_completion_returns_once_done_is_acknowledged_while_the_lock_is_still_being_released()
    {
        var queueName = UniqueName("queue");
        var producer = new MusicWorkQueue(await ClientAsync(0), queueName, Options("producer"));
        var id = await producer.SubmitStringAsync("one item");
        PausableLockStore? locks = null;
        var worker = new MusicWorkQueue(await ClientAsync(1 % Backend.SiteCount, decorateLocks: inner => locks = new PausableLockStore(inner)), queueName, Options("worker"));
        var claim = await WithinPatience(worker.ClaimNextAsync(), "the item is claimed");

        // The release stops before it reaches the lock service: neither the completion nor the disposal waits for it.
        var release = locks!.Arm(LockPathStep.BeforeRelease);
        await WithinPatience(claim.CompleteAsync(), "the completion returns while the lock's release is stopped");
        await WithinPatience(release.Reached, "the release was started after the outcome");
        Assert.False(claim.IsHeld);
        await WithinPatience(claim.DisposeAsync().AsTask(), "disposal does not wait for the release under way");

        // Until the release goes on, the item's lock is still taken; then anyone may lock it and read Done.
        var audit = producer.GetStatusAsync(id);
        await Task.Delay(200);
        Assert.False(audit.IsCompleted, "the item's lock is free before its release went on");
        release.Resume();
        Assert.Equal(WorkItemState.Done, (await WithinPatience(audit, "the lock is free once the release went on")).State);
    }

    [Fact]
    public async Task Two_live_producers_wrongly_given_the_same_id_never_share_an_id_and_lose_nothing()
    {
        var queueName = UniqueName("queue");
        var twins = new[]
        {
            new MusicWorkQueue(await ClientAsync(0), queueName, Options("twin")),
            new MusicWorkQueue(await ClientAsync(1), queueName, Options("twin")),
        };
        var submitted = new Dictionary<WorkItemId, string>();
        for (var i = 0; i < 6; i++)
        {
            var payload = $"item {i}";
            submitted.Add(await twins[i % 2].SubmitStringAsync(payload), payload);
        }

        var worker = new MusicWorkQueue(await ClientAsync(2), queueName, Options("worker"));
        var processed = new Dictionary<WorkItemId, string>();
        while (processed.Count < submitted.Count)
        {
            await using var claim = await WithinPatience(worker.ClaimNextAsync(), $"item {processed.Count + 1} of {submitted.Count} is claimed");
            processed.Add(claim.Item.Id, claim.Item.PayloadAsString());
            await claim.CompleteAsync();
        }

        Assert.Equal(submitted.OrderBy(p => p.Value), processed.OrderBy(p => p.Value));
    }

    [Fact]
    public async Task A_completed_item_is_settled_by_other_workers_from_its_done_marker_without_taking_its_lock()
    {
        var queueName = UniqueName("queue");
        var producer = new MusicWorkQueue(await ClientAsync(0), queueName, Options("producer"));
        var a = await producer.SubmitStringAsync("A");
        await using (var claim = await WithinPatience(new MusicWorkQueue(await ClientAsync(0), queueName, Options("first")).ClaimNextAsync(), "A is claimed at site 0"))
        {
            await claim.CompleteAsync();
        }

        // Once site 1's replica has A's marker, its worker has no reason to lock A: the marker proves A done.
        var otherClient = new FaultyClient(await ClientAsync(1));
        var other = new MusicWorkQueue(otherClient, queueName, Options("other"));
        await EventuallyAsync(
            async () => await otherClient.GetAsync(RecipeKeys.QueueDoneMarker(queueName, a.Producer, a.Sequence)) is not null
                && await other.PeekStatusAsync(a) is not null,
            "A's done marker and payload reach site 1");
        var b = await producer.SubmitStringAsync("B");
        await EventuallyAsync(async () => await other.PeekStatusAsync(b) is not null, "B reaches site 1");

        await using var claimB = await WithinPatience(other.ClaimNextAsync(), "B is claimed at site 1");
        Assert.Equal(b, claimB.Item.Id);
        Assert.Equal([RecipeKeys.QueueState(queueName, b.Producer, b.Sequence)], otherClient.LockedKeys);
        await claimB.CompleteAsync();
    }

    [Fact]
    public async Task An_item_another_worker_announced_is_left_to_it_until_the_intent_is_old()
    {
        var queueName = UniqueName("queue");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var producer = new MusicWorkQueue(await ClientAsync(0), queueName, Options("producer"));
        var item = await producer.SubmitStringAsync("announced");
        var client = new FaultyClient(await ClientAsync(0));
        await client.PutAsync(RecipeKeys.QueueClaimIntent(queueName, item.Producer, item.Sequence), ClaimIntent.Encode("other", clock));

        var options = Options("worker");
        options.TimeProvider = clock;
        options.ClaimIntentTrust = TimeSpan.FromSeconds(5);
        var worker = new MusicWorkQueue(client, queueName, options);
        await EventuallyAsync(async () => await worker.PeekStatusAsync(item) is not null, "the item is visible");

        Assert.Null(await worker.TryClaimNextAsync());
        Assert.Empty(client.LockedKeys); // not even tried

        clock.Advance(TimeSpan.FromSeconds(6)); // the announcing worker never claimed it (it died, or lost)
        await using var claim = await WithinPatience(worker.TryClaimNextAsync(), "the item is claimed once the intent is old");
        Assert.Equal(item, claim?.Item.Id);
        await claim!.CompleteAsync();
    }

    [Fact]
    public async Task An_item_whose_worker_died_is_recovered_while_new_items_keep_every_round_busy()
    {
        var queueName = UniqueName("queue");
        var producer = new MusicWorkQueue(await ClientAsync(0), queueName, Options("producer"));
        var stuck = await producer.SubmitStringAsync("stuck");
        var victimClient = await ClientAsync(1);
        var victimQueue = new MusicWorkQueue(victimClient, queueName, Options("victim"));
        var victimClaim = await WithinPatience(victimQueue.ClaimNextAsync(), "the victim claims the item");
        Assert.Equal(stuck, victimClaim.Item.Id);

        // The claim's record is pipelined (it lands while the worker starts): the victim dies once it has landed.
        await EventuallyAsync(async () => (await victimQueue.PeekStatusAsync(stuck))?.State == WorkItemState.Claimed, "the victim's claim is recorded");
        await Backend.CrashAsync(victimClient);

        // The worker's replica says the victim has the item, and each round finds a fresh item to claim; the trust in
        // that hint runs out, so the item is checked under its lock and recovered all the same.
        var options = Options("worker");
        options.ForeignClaimTrust = TimeSpan.FromMilliseconds(200);
        var worker = new MusicWorkQueue(await ClientAsync(2), queueName, options);
        await EventuallyAsync(async () => (await worker.PeekStatusAsync(stuck))?.State == WorkItemState.Claimed, "the victim's claim reaches site 2");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        WorkItemClaim? recovered = null;
        for (var round = 0; recovered is null; round++)
        {
            Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) < Patience, $"the dead worker's item was not recovered in {round} rounds");
            var fresh = await producer.SubmitStringAsync($"fresh {round}");
            await EventuallyAsync(async () => await worker.PeekStatusAsync(fresh) is not null, $"fresh item {round} reaches site 2");
            var claim = await WithinPatience(worker.ClaimNextAsync(), $"round {round} claims an item");
            if (claim.Item.Id == stuck)
            {
                recovered = claim;
            }
            else
            {
                await claim.CompleteAsync();
                await claim.DisposeAsync();
            }
        }

        Assert.Equal("victim", recovered.RecoveredFrom);
        await recovered.CompleteAsync();
        await recovered.DisposeAsync();
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
