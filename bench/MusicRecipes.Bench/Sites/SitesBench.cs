using System.Diagnostics;
using MusicRecipes.Testing;

namespace MusicRecipes.Bench;

/// <summary>
/// The sites mode: starts the three-site emulation, checks it, then runs the five measurements of issue 11 with the
/// variants interleaved, and prints the tables and the ratios against each goal.
/// </summary>
internal static class SitesBench
{
    public static async Task RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"## Three sites: +{settings.OneWay.TotalMilliseconds:F0} ms each way on every link between sites");
        await using var servers = await SiteServers.StartAsync(settings.OneWay, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  servers up in {clock.Elapsed.TotalSeconds:F0} s; ZooKeeper leader at site {await servers.ZooKeeper.LeaderIndexAsync(cancellationToken).ConfigureAwait(false)}");
        await using var network = await BenchNetwork.SitesAsync(servers, cancellationToken).ConfigureAwait(false);
        await BenchSchema.CreateAsync(network, cancellationToken).ConfigureAwait(false);
        await EmulationCheck.CreateSchemaAsync(network, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  schema ready at {clock.Elapsed.TotalSeconds:F0} s");

        var report = new SitesReport(settings, network);
        report.Check.AddRange(await EmulationCheck.RunAsync(servers, network, settings.Quick ? 10 : 30, cancellationToken).ConfigureAwait(false));
        Console.WriteLine($"  check done at {clock.Elapsed.TotalSeconds:F0} s; {MachineLoad.Describe()}");
        report.Print();
    }
}
