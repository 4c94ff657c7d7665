using System.Diagnostics;

namespace MusicRecipes.Bench;

/// <summary>
/// The sites mode: starts the three-site emulation, checks it, then runs the five measurements of issue 11 —
/// requests per uncontended section, critical sections (variants taking turns case by case), lock hand-off, and the
/// placement workload with a site cut off (variants one after another) — and prints the tables and the ratios
/// against each goal. The placement runs last: its cut-off expires sessions, which the other measurements should not
/// inherit.
/// </summary>
internal static class SitesBench
{
    public static async Task RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"## Three sites: +{settings.OneWay.TotalMilliseconds:F0} ms each way on every link between sites");
        await using var servers = await SiteServers.StartAsync(settings.OneWay, cancellationToken).ConfigureAwait(false);
        var leader = await servers.ZooKeeper.LeaderIndexAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  servers up in {clock.Elapsed.TotalSeconds:F0} s; ZooKeeper leader at site {leader}");
        await using var network = await BenchNetwork.SitesAsync(servers, cancellationToken).ConfigureAwait(false);
        await BenchSchema.CreateAsync(network, cancellationToken).ConfigureAwait(false);
        await EmulationCheck.CreateSchemaAsync(network, cancellationToken).ConfigureAwait(false);
        await LwtQueuePlacement.CreateSchemaAsync(network, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  schema ready at {clock.Elapsed.TotalSeconds:F0} s");

        var report = new SitesReport(settings, network, leader);
        report.Check.AddRange(await EmulationCheck.RunAsync(servers, network, settings.Quick ? 10 : 30, cancellationToken).ConfigureAwait(false));
        report.Loads.Add(("after the check", MachineLoad.Describe()));

        if (!settings.PlacementOnly)
        {
            report.Requests.AddRange(await SectionRequestsBench.RunAsync(
                SiteServers.ZooKeeperClientPorts, servers.Cassandra.EndPointOf(1), servers.CreateSessionOptions(0), network, settings, cancellationToken).ConfigureAwait(false));
            report.Loads.Add(("after the request counts", MachineLoad.Describe()));

            var clients = settings with { Clients = settings.ClientsPerSite * servers.SiteCount };
            await RunSectionsAsync(network, clients, report, cancellationToken).ConfigureAwait(false);
            report.Loads.Add(("after the sections and hand-offs", MachineLoad.Describe()));
        }

        // Cut a follower's site: the usual case, and the leader's site would add an election to every variant's figures.
        var cutSite = Enumerable.Range(0, servers.SiteCount).First(s => s != leader);
        var placement = PlacementSettings.For(settings);
        Console.WriteLine($"### placement: {placement.SubmitsPerSecondPerSite}/s per site offered, {placement.WorkersPerSite} worker(s) per site; site {cutSite} cut off for {placement.CutOff.TotalSeconds:F0} s");
        var workers = placement.WorkersPerSite * servers.SiteCount;
        var variants = new Func<IPlacementVariant>[]
        {
            () => new MusicPlacement(network, "music", workers),
            () => new ZooKeeperQueuePlacement(network, "zk", workers),
            () => new LwtQueuePlacement(network, "lwt", workers),
        };
        foreach (var create in variants)
        {
            await using var variant = create();
            report.Placement.Add(await PlacementWorkload.RunAsync(variant, servers, cutSite, placement, variant is not LwtQueuePlacement, cancellationToken).ConfigureAwait(false));
        }

        report.Loads.Add(("after the placement runs", MachineLoad.Describe()));
        Console.WriteLine($"  measurements done at {clock.Elapsed.TotalSeconds:F0} s");
        report.Print(placement, cutSite);
    }

    private static async Task RunSectionsAsync(BenchNetwork network, BenchSettings settings, SitesReport report, CancellationToken cancellationToken)
    {
        await using var music = MusicVariant.Create(network, settings.Clients, "/bench/sites/music");
        await using var zooKeeper = await ZooKeeperOnlyVariant.CreateAsync(network, settings.Clients, "/bench/sites/zk", cancellationToken).ConfigureAwait(false);
        await using var lwt = await LwtOnlyVariant.CreateAsync(network, cancellationToken).ConfigureAwait(false);
        await SectionBench.WarmUpAsync([music, zooKeeper, lwt], network, settings, cancellationToken).ConfigureAwait(false);
        report.Sections.AddRange(await SectionBench.RunAsync([music, zooKeeper, lwt], network, settings, cancellationToken).ConfigureAwait(false));

        // Holder at site 0, waiter at site 1, then the other way round: every hand-off crosses sites.
        report.HandOffs.Add(await HandOffBench.RunAsync(network, "MUSIC/ZooKeeperLockStore", HandOffBench.Music(music.Clients[0]), HandOffBench.Music(music.Clients[1]), settings, cancellationToken).ConfigureAwait(false));
        report.HandOffs.Add(await HandOffBench.RunAsync(network, "plain ZooKeeper lock", HandOffBench.PlainZooKeeper(zooKeeper.Clients[0], zooKeeper.LockRoot), HandOffBench.PlainZooKeeper(zooKeeper.Clients[1], zooKeeper.LockRoot), settings, cancellationToken).ConfigureAwait(false));
        await using var onCassandra = MusicVariant.OnCassandraLocks(network, 2);
        report.HandOffs.Add(await HandOffBench.RunAsync(network, "MUSIC/CassandraLockStore", HandOffBench.Music(onCassandra.Clients[0]), HandOffBench.Music(onCassandra.Clients[1]), settings, cancellationToken).ConfigureAwait(false));
    }
}
