using PlacementService;
// The multi-site placement service of the MUSIC talk.
//   dotnet run --project samples/PlacementService                 runs the whole scenario on the embedded default
//   dotnet run --project samples/PlacementService -- --serve      keeps the three sites serving HTTP until Ctrl+C or SIGTERM
// Real backends (Cassandra state, ZooKeeper locks; combine with --serve too):
//   dotnet run --project samples/PlacementService -- --start-servers     starts a local 3-node Cassandra + 3-node ZooKeeper
//   dotnet run --project samples/PlacementService -- --cassandra 127.0.0.1,127.0.0.2,127.0.0.3 --zookeeper 127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183
//   or the same in appsettings.json: { "Placement": { "Cassandra": "…", "ZooKeeper": "…" } }

var options = new ScenarioOptions();
var appSettings = new ConfigurationBuilder().SetBasePath(Directory.GetCurrentDirectory()).AddJsonFile("appsettings.json", optional: true).Build();
var real = RealBackendSettings.Parse(args, appSettings);
var backend = await CreateBackendAsync(real, options);

if (args.Contains("--serve"))
{
    // The process's host owns Ctrl+C and SIGTERM; stopping it stops every site within its shutdown timeout.
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
    builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
    builder.Services.AddHostedService(_ => new ServeSitesService(backend, new PlacementWorld(options), basePort: 5080, Console.Out));
    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}

await using (backend)
{
    var report = await new PlacementScenario(backend, options, Console.Out).RunAsync();
    Console.WriteLine();
    Console.WriteLine(report);
    return report.Duplicates == 0 && report.Lost == 0 ? 0 : 1;
}

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
