using System.Diagnostics;
using MusicRecipes.Cql;

namespace MusicRecipes.Bench;

/// <summary>
/// The real-cluster benchmark on loopback: starts a 3-node Cassandra and a 3-node ZooKeeper, runs every measurement
/// with no injected latency, and prints the figures and the within-run ratios. (Its former WAN pass, which delayed
/// only client links, is superseded by the three-site emulation of <see cref="SitesBench"/>.)
/// </summary>
internal static class RealBench
{
    public static async Task RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        Console.WriteLine($"## Real clusters: 3-node Cassandra 2.1 (127.0.0.1-3:{RealClusters.CassandraNativePort}), 3-node ZooKeeper (127.0.0.1:{RealClusters.ZooKeeperClientPort}-{RealClusters.ZooKeeperClientPort + 2})");
        var clock = Stopwatch.StartNew();
        await using var clusters = await RealClusters.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  clusters up in {clock.Elapsed.TotalSeconds:F0} s");
        await using var direct = await CqlSession.ConnectAsync(clusters.Cassandra.CreateSessionOptions(), cancellationToken).ConfigureAwait(false);
        await using var loopback = BenchNetwork.Loopback(clusters, direct);
        await BenchSchema.CreateAsync(loopback, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  schema ready at {clock.Elapsed.TotalSeconds:F0} s; {settings.Clients} clients per variant, {settings.CaseDuration.TotalSeconds:F1} s per case");

        var report = new RealBenchReport(settings);
        var ports = Enumerable.Range(RealClusters.ZooKeeperClientPort, clusters.ZooKeeper.ServerCount).ToArray();
        report.Requests.AddRange(await SectionRequestsBench.RunAsync(ports, clusters.Cassandra.EndPointOf(1), clusters.Cassandra.CreateSessionOptions(), loopback, settings, cancellationToken).ConfigureAwait(false));
        await RunPassAsync(loopback, settings, report, cancellationToken).ConfigureAwait(false);

        Console.WriteLine($"  measurements done at {clock.Elapsed.TotalSeconds:F0} s; {MachineLoad.Describe()}");
        report.Print();
    }

    private static async Task RunPassAsync(BenchNetwork network, BenchSettings settings, RealBenchReport report, CancellationToken cancellationToken)
    {
        Console.WriteLine($"### {network.Name}: {network.Description}");
        report.Networks.Add(network.Name, network.Description);
        var root = "/bench/" + network.Name;
        await using var music = MusicVariant.Create(network, settings.Clients, root + "/music");
        await using var zooKeeper = await ZooKeeperOnlyVariant.CreateAsync(network, settings.Clients, root + "/zk", cancellationToken).ConfigureAwait(false);
        await using var lwt = await LwtOnlyVariant.CreateAsync(network, cancellationToken).ConfigureAwait(false);

        await SectionBench.WarmUpAsync([music, zooKeeper, lwt], network, settings, cancellationToken).ConfigureAwait(false);
        report.Sections.AddRange(await SectionBench.RunAsync([music, zooKeeper, lwt], network, settings, cancellationToken).ConfigureAwait(false));
        report.Operations.AddRange(await EventualCriticalBench.RunAsync(music.Clients, network, settings, cancellationToken).ConfigureAwait(false));

        report.Operations.Add(await HandOffBench.RunAsync(network, "MUSIC/ZooKeeperLockStore", HandOffBench.Music(music.Clients[0]), HandOffBench.Music(music.Clients[1]), settings, cancellationToken).ConfigureAwait(false));
        report.Operations.Add(await HandOffBench.RunAsync(network, "plain ZooKeeper lock", HandOffBench.PlainZooKeeper(zooKeeper.Clients[0], zooKeeper.LockRoot), HandOffBench.PlainZooKeeper(zooKeeper.Clients[1], zooKeeper.LockRoot), settings, cancellationToken).ConfigureAwait(false));
        await using var lwtLockA = CassandraLockClients.Create(network, network.SiteOf(0));
        await using var lwtLockB = CassandraLockClients.Create(network, network.SiteOf(1));
        report.Operations.Add(await HandOffBench.RunAsync(network, "MUSIC/CassandraLockStore", HandOffBench.Music(lwtLockA), HandOffBench.Music(lwtLockB), settings, cancellationToken).ConfigureAwait(false));
    }
}
