using System.Diagnostics;
using MusicRecipes.Cql;

namespace MusicRecipes.Bench;

/// <summary>
/// The real-cluster benchmark: starts Cassandra and ZooKeeper, then runs every measurement on loopback and, unless
/// disabled, again with the injected WAN delay, and prints the figures and the within-run ratios.
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
        var loopback = BenchNetwork.Loopback(clusters, direct);

        // All DDL first, one statement at a time on the direct session: concurrent schema changes can diverge.
        await MusicStores.CreateSchemaAsync(direct, cancellationToken).ConfigureAwait(false);
        await LwtOnlyVariant.CreateSchemaAsync(direct, cancellationToken).ConfigureAwait(false);
        await CassandraLockClients.CreateSchemaAsync(loopback, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  schema ready at {clock.Elapsed.TotalSeconds:F0} s; {settings.Clients} clients per variant, {settings.CaseDuration.TotalSeconds:F1} s per case");

        var report = new RealBenchReport(settings);
        report.Requests.AddRange(await ZooKeeperRequestsBench.RunAsync(clusters, loopback, settings, cancellationToken).ConfigureAwait(false));
        await RunPassAsync(loopback, settings, report, cancellationToken).ConfigureAwait(false);
        if (settings.WanOneWay > TimeSpan.Zero)
        {
            await using var wan = await BenchNetwork.WanAsync(clusters, direct, settings.WanOneWay, cancellationToken).ConfigureAwait(false);
            await RunPassAsync(wan, settings, report, cancellationToken).ConfigureAwait(false);
        }

        Console.WriteLine($"  measurements done at {clock.Elapsed.TotalSeconds:F0} s; {MachineLoad.Describe()}");
        report.Print();
    }

    private static async Task RunPassAsync(BenchNetwork network, BenchSettings settings, RealBenchReport report, CancellationToken cancellationToken)
    {
        Console.WriteLine($"### {network.Name}: {network.Describe()}");
        report.Networks.Add(network.Name, network.Describe());
        var root = "/bench/" + network.Name;
        await using var music = MusicVariant.Create(network, settings.Clients, root + "/music");
        await using var zooKeeper = await ZooKeeperOnlyVariant.CreateAsync(network, settings.Clients, root + "/zk", cancellationToken).ConfigureAwait(false);
        await using var lwt = await LwtOnlyVariant.CreateAsync(network, cancellationToken).ConfigureAwait(false);

        await SectionBench.WarmUpAsync([music, zooKeeper, lwt], network, settings, cancellationToken).ConfigureAwait(false);
        report.Sections.AddRange(await SectionBench.RunAsync([music, zooKeeper, lwt], network, settings, cancellationToken).ConfigureAwait(false));
        report.Operations.AddRange(await EventualCriticalBench.RunAsync(music.Clients, network, settings, cancellationToken).ConfigureAwait(false));

        report.Operations.Add(await HandOffBench.RunAsync(network, "MUSIC/ZooKeeperLockStore", HandOffBench.Music(music.Clients[0]), HandOffBench.Music(music.Clients[1]), settings, cancellationToken).ConfigureAwait(false));
        report.Operations.Add(await HandOffBench.RunAsync(network, "plain ZooKeeper lock", HandOffBench.PlainZooKeeper(zooKeeper.Clients[0], zooKeeper.LockRoot), HandOffBench.PlainZooKeeper(zooKeeper.Clients[1], zooKeeper.LockRoot), settings, cancellationToken).ConfigureAwait(false));
        await using var lwtLockA = CassandraLockClients.Create(network);
        await using var lwtLockB = CassandraLockClients.Create(network);
        report.Operations.Add(await HandOffBench.RunAsync(network, "MUSIC/CassandraLockStore", HandOffBench.Music(lwtLockA), HandOffBench.Music(lwtLockB), settings, cancellationToken).ConfigureAwait(false));
    }
}
