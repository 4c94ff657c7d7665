// Benchmarks (docs/performance.md explains the figures).
// Usage: dotnet run -c Release --project bench/MusicRecipes.Bench -- [all|inmemory|real|sites] [--quick]
//        [--clients 4] [--case-ms 5000] [--handoffs 20] [--latency-ms 20] [--iterations 40]
//        sites: [--one-way-ms 20] [--cut-seconds 10] [--clients-per-site 2] [--placement-only]
//        (all = inmemory + real; sites runs alone; --placement-only skips the request counts, sections and hand-offs)
using MusicRecipes.Bench;

var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "all";
if (mode is not ("all" or "inmemory" or "real" or "sites"))
{
    Console.Error.WriteLine($"Unknown mode '{mode}': use all (default), inmemory, real or sites.");
    return 2;
}

var settings = BenchSettings.Parse(args);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Let the run unwind so the clusters it started are killed, instead of dying with JVMs left behind.
    e.Cancel = true;
    stop.Cancel();
};

Console.WriteLine($"MusicRecipes benchmarks ({mode}{(settings.Quick ? ", quick" : string.Empty)}) — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {MachineLoad.Describe()}");
if (mode is "all" or "inmemory")
{
    await InMemoryRoundTripBench.RunAsync(settings.InMemoryLatency, settings.InMemoryIterations);
}

if (mode is "all" or "real")
{
    await RealBench.RunAsync(settings, stop.Token);
}

if (mode is "sites")
{
    await SitesBench.RunAsync(settings, stop.Token);
}

return 0;
