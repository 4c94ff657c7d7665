using System.Globalization;
using MusicRecipes.Reliability.Tests.Harness;

namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>
/// A seeded, scheduled nemesis with two lanes that run side by side until the workload ends:
/// <list type="bullet">
/// <item>the <b>server lane</b> cycles through Cassandra kill, ZooKeeper kill and Cassandra pause, one fault at a time
/// and each repaired before the next, so at most one Cassandra node (QUORUM stays possible) and at most one
/// ZooKeeper server (the ensemble keeps a majority) are ever down;</item>
/// <item>the <b>client lane</b> expires sessions, cuts a site's ZooKeeper links, or slows them.</item>
/// </list>
/// The seed fixes the order, targets and durations; how they interleave with the clients is up to the machine.
/// </summary>
internal sealed class FaultNemesis(ReliabilityEnvironment environment, FaultLog log, Random random)
{

    private static readonly FaultKind[] ServerCycle = [FaultKind.CassandraKill, FaultKind.ZooKeeperKill, FaultKind.CassandraPause];
    private static readonly FaultKind[] ClientKinds = [FaultKind.SessionExpiry, FaultKind.SiteCut, FaultKind.SlowLink];

    /// <summary>
    /// Runs both lanes for <paramref name="workload"/> or until <paramref name="stop"/>; a fault under way then is
    /// still repaired.
    /// </summary>
    public Task RunAsync(TimeSpan workload, CancellationToken stop)
    {
        var endsAt = DateTimeOffset.UtcNow + workload;
        // Each lane gets its own generator, drawn from the seeded one, so the two schedules stay reproducible.
        var serverRandom = new Random(random.Next());
        var clientRandom = new Random(random.Next());
        return Task.WhenAll(Task.Run(() => ServerLaneAsync(serverRandom, endsAt, stop)), Task.Run(() => ClientLaneAsync(clientRandom, stop)));
    }

    private async Task ServerLaneAsync(Random lane, DateTimeOffset endsAt, CancellationToken stop)
    {
        // The cycle always starts with the slowest fault, so even the short CI run crashes a Cassandra node.
        var next = 0;
        await PauseAsync(TimeSpan.FromSeconds(2), stop);
        while (!stop.IsCancellationRequested)
        {
            var remaining = endsAt - DateTimeOffset.UtcNow;
            var fits = Enumerable.Range(next, ServerCycle.Length).FirstOrDefault(i => MarginOf(ServerCycle[i % ServerCycle.Length]) < remaining, -1);
            if (fits < 0)
            {
                break;
            }

            next = fits + 1;
            await InjectAsync(ServerCycle[fits % ServerCycle.Length], lane);
            await PauseAsync(TimeSpan.FromMilliseconds(lane.Next(500, 2500)), stop);
        }
    }

    /// <summary>
    /// A server fault starts only when the workload has this much left, so that its repair ends near the workload's
    /// end (a Cassandra restart takes 10-20 s on two cores; a ZooKeeper restart about 2 s).
    /// </summary>
    private static TimeSpan MarginOf(FaultKind kind) => kind == FaultKind.CassandraKill ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(5);

    private async Task ClientLaneAsync(Random lane, CancellationToken stop)
    {
        await PauseAsync(TimeSpan.FromSeconds(1), stop);
        while (!stop.IsCancellationRequested)
        {
            await InjectAsync(ClientKinds[lane.Next(ClientKinds.Length)], lane);
            await PauseAsync(TimeSpan.FromMilliseconds(lane.Next(500, 2500)), stop);
        }
    }

    private async Task InjectAsync(FaultKind kind, Random lane)
    {
        // Repairs never observe the run's stop: a node left down would spoil the drain and the audit.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var started = RunClock.Now;
        string? target;
        try
        {
            target = kind switch
            {
                FaultKind.CassandraKill => await KillCassandraAsync(lane, deadline.Token),
                FaultKind.CassandraPause => await PauseCassandraAsync(lane, deadline.Token),
                FaultKind.ZooKeeperKill => await KillZooKeeperAsync(lane, deadline.Token),
                FaultKind.SessionExpiry => await ExpireSessionAsync(lane, deadline.Token),
                FaultKind.SiteCut => await CutSiteAsync(lane),
                FaultKind.SlowLink => await SlowSiteAsync(lane),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            log.Problem($"{kind} (injected or repaired) at {RunClock.Now - started} ticks: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
            return;
        }

        if (target is null)
        {
            log.Skipped(kind);
            return;
        }

        log.Add(new FaultRecord(kind, target, started, RunClock.Now));
    }

    private async Task<string> KillCassandraAsync(Random lane, CancellationToken deadline)
    {
        var node = lane.Next(1, environment.Cassandra.NodeCount + 1);
        await environment.Cassandra.KillAsync(node, deadline);
        await Task.Delay(lane.Next(1000, 5000), deadline);
        await environment.Cassandra.StartNodeAsync(node, deadline);
        return Name("cassandra", node);
    }

    private async Task<string> PauseCassandraAsync(Random lane, CancellationToken deadline)
    {
        var node = lane.Next(1, environment.Cassandra.NodeCount + 1);
        await environment.Cassandra.PauseAsync(node, deadline);
        try
        {
            await Task.Delay(lane.Next(1000, 6000), deadline);
        }
        finally
        {
            await environment.Cassandra.ResumeAsync(node, CancellationToken.None);
        }

        return Name("cassandra", node);
    }

    private async Task<string> KillZooKeeperAsync(Random lane, CancellationToken deadline)
    {
        var server = lane.Next(environment.ZooKeeper.ServerCount);
        await environment.ZooKeeper.KillAsync(server, deadline);
        await Task.Delay(lane.Next(500, 4000), deadline);
        await environment.ZooKeeper.RestartAsync(server, deadline);
        return Name("zookeeper", server);
    }

    /// <summary>Expires a random client's session; <c>null</c> (skipped) when that client has no session right now.</summary>
    private async Task<string?> ExpireSessionAsync(Random lane, CancellationToken deadline)
    {
        var clients = environment.Clients;
        var client = clients[lane.Next(clients.Count)];
        if (client.Locks.Client.SessionCredentials is not { } credentials)
        {
            return null;
        }

        try
        {
            await environment.ZooKeeper.ExpireSessionAsync(credentials, deadline);
        }
        catch (Exception ex) when (ex is MusicRecipes.ZooKeeper.KeeperException or TimeoutException)
        {
            // The session ended or the ensemble was between leaders: nothing was expired.
            return null;
        }

        return client.Name;
    }

    private async Task<string> CutSiteAsync(Random lane)
    {
        var site = lane.Next(ReliabilitySettings.Sites);
        environment.CutSite(site);
        try
        {
            // Both sides of the 4 s session timeout: short cuts suspend sessions, long ones expire them.
            await Task.Delay(lane.Next(300, 6500));
        }
        finally
        {
            environment.HealSite(site);
        }

        return ReliabilityEnvironment.DataCenterOf(site);
    }

    private async Task<string> SlowSiteAsync(Random lane)
    {
        var site = lane.Next(ReliabilitySettings.Sites);
        environment.SetSiteLatency(site, TimeSpan.FromMilliseconds(lane.Next(150, 400)));
        try
        {
            await Task.Delay(lane.Next(1000, 4000));
        }
        finally
        {
            environment.SetSiteLatency(site, TimeSpan.Zero);
        }

        return ReliabilityEnvironment.DataCenterOf(site);
    }

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

    private static string Name(string system, int index) => system + index.ToString(CultureInfo.InvariantCulture);
}
