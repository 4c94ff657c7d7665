using System.Diagnostics;

namespace PlacementService;

/// <summary>
/// The demo: three sites take a stream of templates over HTTP; a worker crashes in the middle of a placement; a site
/// is cut off for a while and healed. Every template must be placed exactly once.
/// </summary>
public sealed class PlacementScenario(IPlacementBackend backend, ScenarioOptions options, TextWriter output)
{
    private readonly PlacementWorld _world = new(options);

    private PlacementLedger Ledger => _world.Ledger;

    /// <summary>Runs the whole scenario (sites up, submissions, crash, cut-off and heal, wait for every placement) and reports.</summary>
    public async Task<ScenarioReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        output.WriteLine($"Placement service on {backend.Description}; {options.WorkersPerSite} workers per site, cores per site: {string.Join("/", options.SiteCpu.Take(options.Sites))}");
        var sites = new List<PlacementSite>();
        try
        {
            for (var site = 0; site < options.Sites; site++)
            {
                sites.Add(await PlacementSite.StartAsync(site, backend, _world, cancellationToken: cancellationToken));
                output.WriteLine($"  site-{site} listening on {sites[^1].Address}");
            }

            // The timeline (crash, cut-off) counts from the first submission, not from start-up.
            clock.Restart();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var submittedIds = new List<string>();
            var crashed = ArmCrash(sites[Math.Min(1, sites.Count - 1)], clock);
            var partition = CutOffAndHealAsync(options.Sites - 1, clock, cancellationToken);
            using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var progress = ReportProgressAsync(clock, sites, stopProgress.Token);

            await Task.WhenAll(sites.Select(site => SubmitStreamAsync(http, site, submittedIds, cancellationToken)));
            await partition;
            await WaitForAllPlacedAsync(submittedIds, clock, cancellationToken);
            stopProgress.Cancel();
            await progress;

            var lost = submittedIds.Count(id => !Ledger.IsPlaced(id));
            return new ScenarioReport(backend.Description, submittedIds.Count, Ledger.Placed, Ledger.PlacedPerSite(), crashed.IsCompleted, Ledger.Recovered, Ledger.Declined, Ledger.Refused, Ledger.Duplicates, lost, clock.Elapsed);
        }
        finally
        {
            foreach (var site in sites)
            {
                await site.DisposeAsync();
            }
        }
    }

    private async Task SubmitStreamAsync(HttpClient http, PlacementSite site, List<string> submittedIds, CancellationToken cancellationToken)
    {
        var sizes = new[] { 1, 2, 2, 4, 4, 8, 10 };
        for (var i = 0; i < options.TemplatesPerSite; i++)
        {
            var template = new Template($"app-{site.Site}-{i}", sizes[(i * 7 + site.Site) % sizes.Length]);
            while (true)
            {
                var response = await http.PostAsJsonAsync(new Uri(site.Address, "/templates"), template, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadFromJsonAsync<SubmitResponse>(cancellationToken);
                    lock (submittedIds)
                    {
                        submittedIds.Add(body!.Id);
                    }

                    break;
                }

                await Task.Delay(100, cancellationToken); // a site that cannot take it right now: the client retries
            }

            await Task.Delay(options.SubmitInterval, cancellationToken);
        }
    }

    /// <summary>Crashes the first worker of <paramref name="site"/> at its first placement after <see cref="ScenarioOptions.CrashAt"/>.</summary>
    private Task ArmCrash(PlacementSite site, Stopwatch clock)
    {
        var victim = site.Workers[0];
        var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        victim.PlacementStarted += worker =>
        {
            if (clock.Elapsed < options.CrashAt || crashed.Task.IsCompleted)
            {
                return;
            }

            _ = worker.CrashAsync(backend); // its client is cut off for good first, so it cleans nothing up
            _world.Events.Add($"CRASH {worker.Name} in the middle of a placement");
            output.WriteLine($"  t={clock.Elapsed.TotalSeconds,4:F1}s  CRASH {worker.Name} in the middle of a placement");
            crashed.TrySetResult();
        };
        return crashed.Task;
    }

    private async Task CutOffAndHealAsync(int site, Stopwatch clock, CancellationToken cancellationToken)
    {
        await Task.Delay(options.CutOffAt, cancellationToken);
        await backend.CutOffAsync(site);
        _world.RecordCutOff(site, backend.CutOffEffect);
        output.WriteLine($"  t={clock.Elapsed.TotalSeconds,4:F1}s  CUT OFF site-{site} ({backend.CutOffEffect})");
        await Task.Delay(options.CutOffFor, cancellationToken);
        await backend.HealAsync(site);
        _world.RecordHealed(site);
        output.WriteLine($"  t={clock.Elapsed.TotalSeconds,4:F1}s  HEALED site-{site}");
    }

    private async Task WaitForAllPlacedAsync(List<string> submittedIds, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (clock.Elapsed < options.Deadline && submittedIds.Any(id => !Ledger.IsPlaced(id)))
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task ReportProgressAsync(Stopwatch clock, List<PlacementSite> sites, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.ProgressEvery, cancellationToken);
                var perSite = Ledger.PlacedPerSite();
                output.WriteLine($"  t={clock.Elapsed.TotalSeconds,4:F1}s  submitted {Ledger.Submitted,3}  placed {Ledger.Placed,3}  ["
                    + string.Join(" ", sites.Select(s => $"site-{s.Site}: {perSite.GetValueOrDefault($"site-{s.Site}"),2} placed, {s.Capacity.UsedCpu,2}/{s.Capacity.TotalCpu} cores"))
                    + "]");
            }
        }
        catch (OperationCanceledException)
        {
            // done
        }
    }

    private sealed record SubmitResponse(string Id);
}
