using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Processes;
using MusicRecipes.Reliability.Tests.Run;

namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>
/// A seeded, scheduled nemesis with four lanes that run side by side until the workload ends; each lane injects one
/// fault at a time and repairs it before the next:
/// <list type="bullet">
/// <item>the <b>Cassandra lane</b> alternates node crashes and freezes (at most one node down: QUORUM stays possible);</item>
/// <item>the <b>ZooKeeper lane</b> crashes and restarts servers, the leader half of the time (the ensemble keeps its majority);</item>
/// <item>the <b>session lane</b> expires sessions, cuts a site's ZooKeeper links, or slows them (<see cref="ClientFaults"/>),
/// beginning with one expiry and one cut so even the short run has both;</item>
/// <item>the <b>process lane</b> freezes or kills client processes (<see cref="ProcessFaults"/>), beginning with a freeze
/// beyond the session timeout so even the short run has one.</item>
/// </list>
/// On containers (<see cref="IReliabilityServers.Partitions"/>) the server lanes also partition servers — the Cassandra
/// lane cuts a node from the other two, the ZooKeeper lane isolates the leader — and a fifth, <b>site lane</b> cuts a
/// minority site from the majority, servers and clients together (<see cref="PartitionFaults"/>). The site lane runs
/// alone: it waits until neither server lane has a fault under way, so no more than one site's servers are ever
/// unreachable and the majority keeps both quorums.
/// A server lane stops for good after a repair that failed (a second server down could cost the majority); the run
/// then fails with the server's story. The seed fixes the order, targets and durations; how they interleave with the
/// clients is up to the machine.
/// </summary>
internal sealed class FaultNemesis(ReliabilityEnvironment environment, WorkerFleet fleet, WorkerHistory workerHistory, FaultLog log, Random random, double gapFactor = 1)
{
    private static readonly FaultKind[] SessionKinds = [FaultKind.SessionExpiry, FaultKind.SiteCut, FaultKind.SlowLink];
    private static readonly FaultKind[] GuaranteedSessionKinds = [FaultKind.SessionExpiry, FaultKind.SiteCut];
    private readonly ServerFaults _servers = new(environment);
    private readonly ClientFaults _clients = new(environment, fleet);
    private readonly ProcessFaults _processes = new(fleet, workerHistory);
    private readonly PartitionFaults? _partitions = environment.Servers.Partitions is { } partitions ? new(environment, partitions) : null;

    // Each server lane holds one slot while its fault is under way; the site lane holds both.
    private readonly SemaphoreSlim _serverSlots = new(2, 2);

    /// <summary>Runs every lane for <paramref name="workload"/> or until <paramref name="stop"/>; a fault under way then is still repaired.</summary>
    public Task RunAsync(TimeSpan workload, CancellationToken stop)
    {
        var endsAt = DateTimeOffset.UtcNow + workload;

        // Each lane gets its own generator, drawn from the seeded one, so the schedules stay reproducible.
        var lanes = new[] { new Random(random.Next()), new Random(random.Next()), new Random(random.Next()), new Random(random.Next()) };
        var tasks = new List<Task>
        {
            Task.Run(() => CassandraLaneAsync(lanes[0], endsAt, stop)),
            Task.Run(() => ZooKeeperLaneAsync(lanes[1], endsAt, stop)),
            Task.Run(() => SessionLaneAsync(lanes[2], stop)),
            Task.Run(() => ProcessLaneAsync(lanes[3], stop)),
        };
        if (_partitions is { } partitions)
        {
            // Drawn after the four others, so a seed replays the same schedules on either backend.
            var siteLane = new Random(random.Next());
            tasks.Add(Task.Run(() => SiteLaneAsync(partitions, siteLane, endsAt, stop)));
        }

        return Task.WhenAll(tasks);
    }

    private async Task CassandraLaneAsync(Random lane, DateTimeOffset endsAt, CancellationToken stop)
    {
        // A crash first (the slowest fault, ~10-20 s with its restart), so even the short run restarts a node.
        await PauseAsync(TimeSpan.FromSeconds(2), stop);
        var crash = true;
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            // Start a fault only if its repair ends near the workload's end.
            var remaining = endsAt - DateTimeOffset.UtcNow;
            if (remaining < TimeSpan.FromSeconds(5))
            {
                break;
            }

            var kind = crash && remaining >= TimeSpan.FromSeconds(15) ? FaultKind.CassandraKill : FaultKind.CassandraPause;
            if (_partitions is { } partitions && (first || lane.Next(3) == 0))
            {
                // On containers a partition comes first (the quickest fault), then one in three.
                kind = FaultKind.CassandraPartition;
            }

            first = false;
            if (!await InjectServerFaultAsync(kind, () => kind switch
                {
                    FaultKind.CassandraKill => _servers.KillCassandraAsync(lane),
                    FaultKind.CassandraPartition => _partitions!.IsolateCassandraAsync(lane),
                    _ => _servers.PauseCassandraAsync(lane),
                }))
            {
                break;
            }

            if (kind != FaultKind.CassandraPartition)
            {
                crash = kind != FaultKind.CassandraKill;
            }
            await RestAsync(lane, 500, 2500, stop);
        }
    }

    private async Task ZooKeeperLaneAsync(Random lane, DateTimeOffset endsAt, CancellationToken stop)
    {
        await PauseAsync(TimeSpan.FromSeconds(3), stop);

        // On containers the lane alternates leader isolations (first) and crashes.
        var isolate = _partitions is not null;
        while (!stop.IsCancellationRequested && endsAt - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(5))
        {
            var kind = isolate ? FaultKind.ZooKeeperLeaderIsolation : FaultKind.ZooKeeperKill;
            if (!await InjectServerFaultAsync(kind, () => isolate ? _partitions!.IsolateZooKeeperLeaderAsync(lane) : _servers.KillZooKeeperAsync(lane)))
            {
                break;
            }

            isolate = _partitions is not null && !isolate;

            await RestAsync(lane, 1000, 4000, stop);
        }
    }

    private async Task SiteLaneAsync(PartitionFaults partitions, Random lane, DateTimeOffset endsAt, CancellationToken stop)
    {
        await PauseAsync(TimeSpan.FromSeconds(4), stop);
        while (!stop.IsCancellationRequested && endsAt - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(10))
        {
            await _serverSlots.WaitAsync(CancellationToken.None);
            await _serverSlots.WaitAsync(CancellationToken.None);
            bool repaired;
            try
            {
                repaired = await InjectAsync(FaultKind.SitePartition, () => partitions.CutSiteAsync(lane));
            }
            finally
            {
                _serverSlots.Release(2);
            }

            if (!repaired)
            {
                break;
            }

            await RestAsync(lane, 2000, 6000, stop);
        }
    }

    /// <summary>A server lane's fault, holding one server slot while it is under way (see <see cref="SiteLaneAsync"/>).</summary>
    private async Task<bool> InjectServerFaultAsync(FaultKind kind, Func<Task<FaultResult?>> inject)
    {
        await _serverSlots.WaitAsync(CancellationToken.None);
        try
        {
            return await InjectAsync(kind, inject);
        }
        finally
        {
            _serverSlots.Release();
        }
    }

    private async Task SessionLaneAsync(Random lane, CancellationToken stop)
    {
        await PauseAsync(TimeSpan.FromSeconds(1), stop);

        // An expiry and a site cut first, each until one lands (an expiry finds no target while its client
        // reconnects), then a free draw: a draw from the start let a short run have one of the two session faults
        // the run asserts (seed 1499339804 drew six slow links in seven).
        var owed = new Queue<FaultKind>(GuaranteedSessionKinds);
        while (!stop.IsCancellationRequested)
        {
            var kind = owed.TryPeek(out var first) ? first : SessionKinds[lane.Next(SessionKinds.Length)];
            await InjectAsync(kind, () => kind switch
            {
                FaultKind.SessionExpiry => _clients.ExpireSessionAsync(lane),
                FaultKind.SiteCut => _clients.CutSiteAsync(lane),
                _ => _clients.SlowSiteAsync(lane),
            });
            if (owed.Count > 0 && log.CountByKind()[kind] > 0)
            {
                owed.Dequeue();
            }

            await RestAsync(lane, 500, 2500, stop);
        }
    }

    private async Task ProcessLaneAsync(Random lane, CancellationToken stop)
    {
        await PauseAsync(TimeSpan.FromSeconds(2), stop);
        for (var first = true; !stop.IsCancellationRequested; first = false)
        {
            var kill = !first && lane.Next(10) < 3;
            await InjectAsync(kill ? FaultKind.ClientKill : FaultKind.ClientPause, () => kill ? _processes.KillAsync(lane) : _processes.PauseAsync(lane, longerThanSession: first));
            await RestAsync(lane, 500, 2000, stop);
        }
    }

    /// <summary>Injects and repairs one fault and logs it; false when its repair failed (the lane must stop).</summary>
    private async Task<bool> InjectAsync(FaultKind kind, Func<Task<FaultResult?>> inject)
    {
        var started = RunClock.Now;
        FaultResult? result;
        try
        {
            result = await inject();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            log.Problem($"{kind} could not be injected: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
            return true;
        }

        if (result is null)
        {
            log.Skipped(kind);
            return true;
        }

        log.Add(new FaultRecord(kind, result.Target, started, RunClock.Now, result.Unrepaired));
        return result.Unrepaired is null;
    }

    /// <summary>A lane's rest between two faults: <paramref name="fromMs"/>-<paramref name="toMs"/>, times the run's gap factor.</summary>
    private Task RestAsync(Random lane, int fromMs, int toMs, CancellationToken stop) =>
        PauseAsync(TimeSpan.FromMilliseconds(lane.Next(fromMs, toMs) * gapFactor), stop);

    private static async Task PauseAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over; the lane's loop ends.
        }
    }
}
