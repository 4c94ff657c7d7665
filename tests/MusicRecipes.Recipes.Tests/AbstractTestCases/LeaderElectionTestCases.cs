using Microsoft.Extensions.Time.Testing;
using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>Leader election (<see cref="MusicLeaderElection"/>), for any backend.</summary>
public abstract class LeaderElectionTestCases : RecipeTestBase
{
    private static MusicLeaderElectionOptions FastOptions(string id) => new()
    {
        ParticipantId = id,
        RetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Work_that_returns_at_once_is_not_re_elected_back_to_back()
    {
        // The election's delays run on a fake clock: a second term may start only once it has moved a retry delay.
        var clock = new FakeTimeProvider();
        var options = FastOptions("lone");
        options.TimeProvider = clock;
        var election = new MusicLeaderElection(await ClientAsync(0), UniqueName("group"), options);
        var terms = 0;
        using var stop = new CancellationTokenSource();
        var run = election.RunAsync((_, _) => { Interlocked.Increment(ref terms); return Task.CompletedTask; }, stop.Token);

        await EventuallyAsync(() => Volatile.Read(ref terms) >= 1, "the lone participant leads");
        await Task.Delay(500); // without the pause, dozens of terms in this time
        Assert.Equal(1, Volatile.Read(ref terms));
        clock.Advance(options.RetryDelay);
        await EventuallyAsync(() => Volatile.Read(ref terms) >= 2, "it leads again once the delay has passed");

        stop.Cancel();
        clock.Advance(options.RetryDelay);
        await WithinPatience(run, "the election stops");
    }

    [Fact]
    public async Task Never_two_valid_leaders_and_fencing_increases_under_expiry_cutoff_and_crash()
    {
        var group = UniqueName("group");
        var log = new LeadershipLog();
        using var stop = new CancellationTokenSource();
        var participants = new List<(string Id, IMusicClient Client, int Site, CancellationTokenSource Stop, Task Run)>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            for (var i = 0; i < 2; i++)
            {
                var id = $"s{site}p{i}";
                var client = await ClientAsync(site);
                var election = new MusicLeaderElection(client, group, FastOptions(id));
                var own = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                var run = Task.Run(() => election.RunAsync((term, ct) => LeadAsync(id, term, log, ct), own.Token));
                participants.Add((id, client, site, own, run));
            }
        }

        var faults = new[] { "expire", "cut", "crash", "expire", "cut", "expire" };
        foreach (var fault in faults)
        {
            await EventuallyAsync(() => log.Latest is { Ended: false, Samples: > 0 }, "a leader is working");
            var current = log.Latest!;
            var leader = participants.Single(p => p.Id == current.Participant);
            switch (fault)
            {
                case "expire":
                    await Backend.ExpireSessionAsync(leader.Client);
                    break;
                case "cut":
                    await Backend.CutOffAsync(leader.Site);
                    break;
                case "crash":
                    await Backend.CrashAsync(leader.Client);
                    break;
            }

            await EventuallyAsync(() => log.Latest!.Fence != current.Fence, $"a new leader after '{fault}' of {current.Participant}");
            if (fault == "cut")
            {
                await Backend.HealAsync(leader.Site);
            }

            if (fault == "crash")
            {
                leader.Stop.Cancel(); // the crashed process is gone; stop the simulation of it
            }
        }

        await EventuallyAsync(() => log.Latest is { Samples: > 0 }, "the last leader is working");
        stop.Cancel();
        await WithinPatience(Task.WhenAll(participants.Select(p => p.Run)), "participants stop");

        var terms = log.Terms;
        Assert.True(terms.Count >= faults.Length + 1, $"{terms.Count} terms for {faults.Length} faults");
        Assert.All(terms, t => Assert.True(t.Samples > 0, $"term {t.Fence} of {t.Participant} never worked"));
        var violations = log.Violations();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task Leader_work_is_cancelled_when_leadership_is_lost_and_the_participant_leads_again()
    {
        var client = await ClientAsync(0);
        var election = new MusicLeaderElection(client, UniqueName("group"), FastOptions("solo"));
        var terms = new List<(long Fence, TaskCompletionSource Cancelled)>();
        var started = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource();
        var run = election.RunAsync(
            async (term, ct) =>
            {
                var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                ct.Register(() => cancelled.TrySetResult());
                lock (terms)
                {
                    terms.Add((term.FencingToken.Value, cancelled));
                }

                started.Release();
                await Task.Delay(Timeout.Infinite, ct);
            },
            stop.Token);

        Assert.True(await started.WaitAsync(Patience), "first term");
        Assert.True(election.IsLeader);
        await Backend.ExpireSessionAsync(client);
        await WithinPatience(terms[0].Cancelled.Task, "leader work cancelled on session expiry");

        // The participant leads again. The owner may take its session back from the kit's killer before the close
        // lands (the kit then kills again): a term begun in that window is lost with the session, its work cancelled
        // as well, and the participant enters once more. The term that is not lost must come, with a larger fence.
        var live = -1;
        for (var term = 1; live < 0 && term <= 5; term++)
        {
            Assert.True(await started.WaitAsync(Patience), $"term {term} after re-entering the election");
            var cancelled = TermAt(term).Cancelled.Task;
            if (await Task.WhenAny(cancelled, Task.Delay(TimeSpan.FromSeconds(1))) != cancelled)
            {
                live = term;
            }
        }

        Assert.True(live > 0, "every term after the expiry was lost");
        Assert.All(Enumerable.Range(1, live), i => Assert.True(TermAt(i).Fence > TermAt(i - 1).Fence, $"term {i} has a larger fence"));

        stop.Cancel();
        await WithinPatience(run, "RunAsync stops with the host");
        Assert.False(election.IsLeader);

        (long Fence, TaskCompletionSource Cancelled) TermAt(int index)
        {
            lock (terms)
            {
                return terms[index];
            }
        }
    }

    [Fact]
    public async Task Stepping_down_hands_leadership_to_the_next_participant()
    {
        var group = UniqueName("group");
        var first = new MusicLeaderElection(await ClientAsync(0), group, FastOptions("first"));
        var second = new MusicLeaderElection(await ClientAsync(1), group, FastOptions("second"));

        var firstTerm = await first.WaitForLeadershipAsync();
        var secondTask = second.WaitForLeadershipAsync();
        await EventuallyAsync(async () => (await first.GetLeaderAsync())?.ParticipantId == "first", "first is published");
        Assert.False(secondTask.IsCompleted, "two leaders at once");
        Assert.True(first.IsLeader);
        Assert.False(second.IsLeader);

        await firstTerm.StepDownAsync();
        Assert.False(firstTerm.IsValid);
        await using var secondTerm = await WithinPatience(secondTask, "second leads after step-down");
        Assert.True(secondTerm.IsValid);
        Assert.True(secondTerm.FencingToken.Value > firstTerm.FencingToken.Value);
        Assert.Equal(second.ParticipantId, secondTerm.ParticipantId);

        // Observers at any site eventually see the new leader (eventual read, so possibly after a lag).
        var observer = new MusicLeaderElection(await ClientAsync(2), group);
        await EventuallyAsync(async () => (await observer.GetLeaderAsync())?.FencingToken == secondTerm.FencingToken.Value, "observer sees the new leader");
        var info = await observer.GetLeaderAsync();
        Assert.Equal("second", info!.ParticipantId);
        Assert.Equal("site-1", info.Site);
    }

    [Fact]
    public async Task Protected_keys_are_critical_state_of_the_term()
    {
        var group = UniqueName("group");
        var stateKey = UniqueName("state");
        var options = FastOptions("a");
        options.ProtectedKeys = new[] { stateKey };
        var a = new MusicLeaderElection(await ClientAsync(0), group, options);
        await using (var term = await a.WaitForLeadershipAsync())
        {
            Assert.Contains(stateKey, term.Keys);
            await term.PutAsync(stateKey, "v1"u8.ToArray());
        }

        var optionsB = FastOptions("b");
        optionsB.ProtectedKeys = new[] { stateKey };
        var b = new MusicLeaderElection(await ClientAsync(2), group, optionsB);
        await using var next = await b.WaitForLeadershipAsync();
        Assert.Equal("v1"u8.ToArray(), await next.GetAsync(stateKey));
    }

    [Fact]
    public async Task Participants_are_listed_in_succession_order_and_each_term_is_reported_once_as_acquired_and_lost()
    {
        var group = UniqueName("group");
        var bClient = await ClientAsync(1);
        var a = new MusicLeaderElection(await ClientAsync(0), group, FastOptions("a"));
        var b = new MusicLeaderElection(bClient, group, FastOptions("b"));
        var events = new System.Collections.Concurrent.ConcurrentQueue<(string Who, string What, long Fence)>();
        foreach (var (who, election) in new[] { ("a", a), ("b", b) })
        {
            election.LeadershipAcquired += (_, e) => events.Enqueue((who, "acquired", e.Term.FencingToken.Value));
            election.LeadershipLost += (_, e) => events.Enqueue((who, e.Lost ? "lost" : "stepped down", e.Term.FencingToken.Value));
        }

        var termA = await a.WaitForLeadershipAsync();
        var waitingB = b.WaitForLeadershipAsync();
        await EventuallyAsync(async () => (await a.GetParticipantsAsync()).Count == 2, "both participants are listed");
        var participants = await b.GetParticipantsAsync();
        Assert.Equal(["a", "b"], participants.Select(p => p.ParticipantId));
        Assert.True(participants[0].IsLeader);
        Assert.NotNull(participants[0].LeadingSince);
        Assert.False(participants[1].IsLeader);
        Assert.Equal("site-1", participants[1].Site); // b reads its own participant's site
        Assert.Null(participants[0].Site);

        await termA.StepDownAsync();
        var termB = await WithinPatience(waitingB, "b leads after a stepped down");
        await Backend.ExpireSessionAsync(bClient);
        await EventuallyAsync(() => events.Any(e => e.Who == "b" && e.What == "lost"), "b's loss is reported");
        await EventuallyAsync(async () => (await a.GetParticipantsAsync()).Count == 0, "nobody is left in the election");

        Assert.Equal([("a", "acquired", termA.FencingToken.Value), ("a", "stepped down", termA.FencingToken.Value)], events.Where(e => e.Who == "a"));
        Assert.Equal([("b", "acquired", termB.FencingToken.Value), ("b", "lost", termB.FencingToken.Value)], events.Where(e => e.Who == "b"));
        await termB.DisposeAsync(); // stepping down after the loss reports nothing more
        Assert.Equal(4, events.Count);
    }

    private static async Task LeadAsync(string id, LeadershipTerm term, LeadershipLog log, CancellationToken cancellationToken)
    {
        var record = log.Begin(id, term);
        try
        {
            while (!cancellationToken.IsCancellationRequested && record.Sample(term))
            {
                await Task.Delay(2, CancellationToken.None);
            }
        }
        finally
        {
            record.Ended = true;
        }

        // Loss seen through IsValid before the token fired: wait for the token as the recipe promises it fires.
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
