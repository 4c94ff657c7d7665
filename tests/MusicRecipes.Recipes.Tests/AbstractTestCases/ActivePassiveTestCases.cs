using System.Collections.Concurrent;
using System.Diagnostics;
using MusicRecipes.Recipes.Failover;
using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>Active-passive failover with state hand-off (<see cref="MusicActivePassiveReplica{TState}"/>), for any backend.</summary>
public abstract class ActivePassiveTestCases : RecipeTestBase
{
    private static MusicActivePassiveOptions Options(string id) => new()
    {
        Election = new MusicLeaderElectionOptions
        {
            ParticipantId = id,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        },
    };

    [Fact]
    public async Task The_successor_always_resumes_from_the_newest_acknowledged_checkpoint()
    {
        var service = UniqueName("svc");
        var terms = new ConcurrentQueue<ActiveTerm>();
        using var stop = new CancellationTokenSource();
        var replicas = new List<(string Id, IMusicClient Client, int Site, CancellationTokenSource Stop, Task Run)>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            var id = $"replica{site}";
            var client = await ClientAsync(site);
            var replica = new MusicActivePassiveReplica<long>(client, service, Options(id));
            var own = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            replicas.Add((id, client, site, own, Task.Run(() => replica.RunAsync((active, ct) => CountAsync(id, active, terms, ct), own.Token))));
        }

        var faults = new[] { "expire", "crash", "cut", "expire", "expire" };
        foreach (var fault in faults)
        {
            await EventuallyAsync(() => terms.LastOrDefault() is { } t && t.Acknowledged >= t.Resumed + 3, "the active replica checkpoints");
            var current = terms.Last();
            var active = replicas.Single(r => r.Id == current.Replica);
            switch (fault)
            {
                case "expire":
                    await Backend.ExpireSessionAsync(active.Client);
                    break;
                case "crash":
                    await Backend.CrashAsync(active.Client);
                    break;
                case "cut":
                    await Backend.CutOffAsync(active.Site);
                    break;
            }

            await EventuallyAsync(() => terms.Last().Fence != current.Fence, $"a new active replica after '{fault}'");
            if (fault == "cut")
            {
                await Backend.HealAsync(active.Site);
            }

            if (fault == "crash")
            {
                active.Stop.Cancel();
            }
        }

        await EventuallyAsync(() => terms.Last() is { } t && t.Acknowledged >= t.Resumed + 3, "the last active replica checkpoints");
        stop.Cancel();
        await WithinPatience(Task.WhenAll(replicas.Select(r => r.Run)), "replicas stop");

        var history = terms.OrderBy(t => t.Start).ToArray();
        Assert.True(history.Length >= faults.Length + 1, $"{history.Length} terms for {faults.Length} faults");
        for (var i = 1; i < history.Length; i++)
        {
            var earlier = history.Take(i).ToArray();
            var mustSee = earlier.Max(t => t.Acknowledged);
            var mayHaveSeen = earlier.Max(t => t.Attempted);
            Assert.True(history[i].Fence > history[i - 1].Fence, "fencing tokens increase across terms");
            Assert.True(history[i].Resumed >= mustSee, $"term {history[i].Fence} resumed from {history[i].Resumed}, but checkpoint {mustSee} had been acknowledged");
            Assert.True(history[i].Resumed <= mayHaveSeen, $"term {history[i].Fence} resumed from {history[i].Resumed}, which nobody wrote (max attempted {mayHaveSeen})");
            Assert.True(history[i].Resumed >= history[i - 1].Resumed, "the resumed state went backwards");
        }

        // A replica started afterwards resumes from the newest acknowledged checkpoint too.
        var late = new MusicActivePassiveReplica<long>(await ClientAsync(0), service, Options("late"));
        using var lateStop = new CancellationTokenSource();
        var resumed = new TaskCompletionSource<long>();
        var lateRun = late.RunAsync((active, _) => { resumed.TrySetResult(active.State); lateStop.Cancel(); return Task.CompletedTask; }, lateStop.Token);
        Assert.True(await WithinPatience(resumed.Task, "late replica becomes active") >= history.Max(t => t.Acknowledged));
        await WithinPatience(lateRun, "late replica stops");
    }

    [Fact]
    public async Task A_brand_new_service_starts_from_default_state_and_hands_over_on_step_down()
    {
        var service = UniqueName("svc");
        var first = new MusicActivePassiveReplica<string>(await ClientAsync(0), service, Options("a"));
        var second = new MusicActivePassiveReplica<string>(await ClientAsync(1), service, Options("b"));
        using var stop = new CancellationTokenSource();
        using var stopFirst = new CancellationTokenSource();
        var seen = new ConcurrentQueue<(string Replica, string? State, long Sequence)>();

        // One term only: a replica whose work returns steps down and, alone in the group, is elected again at once, so
        // the first run ends with its first term (polling for "not active" raced that re-election and the loop of terms
        // ran the work without end).
        var firstRun = first.RunAsync(
            async (active, ct) =>
            {
                seen.Enqueue(("a", active.State, active.ResumedFrom?.Sequence ?? 0));
                await active.CheckpointAsync("one", ct);
                await active.CheckpointAsync("two", ct);
                Assert.True(active.IsActive);
                Assert.True(first.IsActive);
                stopFirst.Cancel();
            },
            stopFirst.Token);
        await WithinPatience(firstRun, "first replica did its work and stepped down");
        Assert.False(first.IsActive);
        Assert.Single(seen);
        var secondRun = second.RunAsync(
            (active, _) =>
            {
                seen.Enqueue(("b", active.State, active.ResumedFrom?.Sequence ?? 0));
                stop.Cancel();
                return Task.CompletedTask;
            },
            stop.Token);
        await WithinPatience(secondRun, "the second replica took over and stopped");

        var log = seen.ToArray();
        Assert.Equal(("a", (string?)null, 0L), log[0]);
        var handedOver = log.First(e => e.Replica == "b");
        Assert.Equal("two", handedOver.State);
        Assert.Equal(2, handedOver.Sequence);
    }

    private static async Task CountAsync(string id, ActiveReplicaContext<long> active, ConcurrentQueue<ActiveTerm> terms, CancellationToken cancellationToken)
    {
        var term = new ActiveTerm(id, active.FencingToken.Value, Stopwatch.GetTimestamp(), active.State);
        terms.Enqueue(term);
        var current = active.State;
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = current + 1;
            term.Attempted = next;
            try
            {
                await active.CheckpointAsync(next, cancellationToken);
            }
            catch (Exception ex) when (ex is MusicException or OperationCanceledException or TimeoutException)
            {
                return; // lost or cut off: the checkpoint is indeterminate, the replica steps down
            }

            term.Acknowledged = next;
            current = next;
            await Task.Delay(1, CancellationToken.None);
        }
    }

    private sealed class ActiveTerm(string replica, long fence, long start, long resumed)
    {
        private long _acknowledged = resumed;
        private long _attempted = resumed;

        public string Replica { get; } = replica;

        public long Fence { get; } = fence;

        public long Start { get; } = start;

        public long Resumed { get; } = resumed;

        public long Acknowledged
        {
            get => Volatile.Read(ref _acknowledged);
            set => Volatile.Write(ref _acknowledged, value);
        }

        public long Attempted
        {
            get => Volatile.Read(ref _attempted);
            set => Volatile.Write(ref _attempted, value);
        }
    }
}
