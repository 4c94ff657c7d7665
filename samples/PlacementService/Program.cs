// The multi-site placement service of the MUSIC talk.
//   dotnet run --project samples/PlacementService                 runs the whole scenario on the embedded default
//   dotnet run --project samples/PlacementService -- --serve      keeps the three sites serving HTTP until Ctrl+C
// Real backends (Cassandra state, ZooKeeper locks; combine with --serve too):
//   dotnet run --project samples/PlacementService -- --start-servers     starts a local 3-node Cassandra + 3-node ZooKeeper
//   dotnet run --project samples/PlacementService -- --cassandra 127.0.0.1,127.0.0.2,127.0.0.3 --zookeeper 127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183
//   or the same in appsettings.json: { "Placement": { "Cassandra": "…", "ZooKeeper": "…" } }
using Microsoft.Extensions.Configuration;
using PlacementService;

var options = new ScenarioOptions();
var appSettings = new ConfigurationBuilder().SetBasePath(Directory.GetCurrentDirectory()).AddJsonFile("appsettings.json", optional: true).Build();
var real = RealBackendSettings.Parse(args, appSettings);
await using var backend = await CreateBackendAsync(real, options);

if (args.Contains("--serve"))
{
    var ledger = new PlacementLedger();
    var sites = new List<PlacementSite>();
    for (var site = 0; site < options.Sites; site++)
    {
        sites.Add(await PlacementSite.StartAsync(site, backend, ledger, options, port: 5080 + site));
        Console.WriteLine($"site-{site}: {sites[^1].Address}  (POST /templates {{\"name\":\"web\",\"cpu\":4}})");
    }

    var stop = new TaskCompletionSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
    await stop.Task;
    foreach (var site in sites)
    {
        await site.DisposeAsync();
    }

    return 0;
}

var report = await new PlacementScenario(backend, options, Console.Out).RunAsync();
Console.WriteLine();
Console.WriteLine(report);
return report.Duplicates == 0 && report.Lost == 0 ? 0 : 1;

static async Task<IPlacementBackend> CreateBackendAsync(RealBackendSettings real, ScenarioOptions options)
{
    if (!real.IsReal)
    {
        return new InMemoryPlacementBackend(options);
    }

    RealPlacementBackend.UseRealTimings(options, real);
    LocalServers? servers = null;
    if (real.StartServers)
    {
        Console.WriteLine("Starting a local 3-node Cassandra (127.0.0.1-3:9042) and 3-node ZooKeeper (127.0.0.1:2181-2183)…");
        var started = System.Diagnostics.Stopwatch.StartNew();
        servers = await LocalServers.StartAsync(new LocalServerOptions());
        Console.WriteLine($"  servers up in {started.Elapsed.TotalSeconds:F1} s");
        real = servers.Settings(real.SessionTimeout);
    }

    try
    {
        return await RealPlacementBackend.StartAsync(real, options.Sites, servers);
    }
    catch when (servers is not null)
    {
        await servers.DisposeAsync();
        throw;
    }
}
