// The multi-site placement service of the MUSIC talk.
//   dotnet run --project samples/PlacementService                 runs the whole scenario on the embedded default
//   dotnet run --project samples/PlacementService -- --serve      keeps the three sites serving HTTP until Ctrl+C
using PlacementService;

var options = new ScenarioOptions();
await using var backend = new InMemoryPlacementBackend(options);

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
