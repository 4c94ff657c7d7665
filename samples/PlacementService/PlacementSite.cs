using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MusicRecipes;
using MusicRecipes.Recipes.Queue;

namespace PlacementService;

/// <summary>
/// One site of the placement service: an HTTP endpoint on 127.0.0.1 where clients submit templates (an eventual put
/// at this site: no WAN round trip) and ask for their status, and the site's workers.
/// </summary>
/// <remarks>
/// <code>
/// POST /templates        {"name":"web","cpu":4}   → 202 {"id":"site-0-1a2b3c4d/7"}
/// GET  /templates/{producer}/{sequence}           → {"state":"Done","worker":"site-1-w0",...}
/// GET  /site                                      → {"site":"site-0","cpuUsed":6,"cpuTotal":16}
/// </code>
/// </remarks>
public sealed class PlacementSite : IAsyncDisposable
{
    public const string QueueName = "templates";

    private readonly WebApplication _app;

    private readonly IMusicClient _front;

    private PlacementSite(int site, WebApplication app, IMusicClient front, IReadOnlyList<WorkerProcess> workers, SiteCapacity capacity)
    {
        Site = site;
        _front = front;
        _app = app;
        Workers = workers;
        Capacity = capacity;
    }

    public int Site { get; }

    public IReadOnlyList<WorkerProcess> Workers { get; }

    public SiteCapacity Capacity { get; }

    /// <summary>The site's HTTP address (http://127.0.0.1:port).</summary>
    public Uri Address => new(_app.Urls.First());

    public static async Task<PlacementSite> StartAsync(int site, IPlacementBackend backend, PlacementLedger ledger, ScenarioOptions options, int port = 0)
    {
        var capacity = new SiteCapacity(options.SiteCpu[site % options.SiteCpu.Length]);
        var front = await backend.CreateClientAsync(site);
        var queue = new MusicWorkQueue(front, QueueName);
        var workers = new List<WorkerProcess>();
        for (var i = 0; i < options.WorkersPerSite; i++)
        {
            workers.Add(new WorkerProcess($"site-{site}-w{i}", site, await backend.CreateClientAsync(site)));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(PlacementSite).Assembly.GetName().Name });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("MusicRecipes", LogLevel.Error);
        foreach (var worker in workers)
        {
            var workerQueue = new MusicWorkQueue(worker.Client, QueueName, new MusicWorkQueueOptions { WorkerId = worker.Name, MaxPollInterval = TimeSpan.FromMilliseconds(200) });
            builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(new PlacementWorker(worker, workerQueue, capacity, ledger, options));
        }

        var app = builder.Build();
        app.MapPost("/templates", async (Template template, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(template.Name) || template.Cpu <= 0)
            {
                return Results.BadRequest(new { error = "a template needs a name and a positive cpu count" });
            }

            var id = await queue.SubmitAsync(JsonSerializer.SerializeToUtf8Bytes(template), ct);
            ledger.RecordSubmitted();
            return Results.Accepted($"/templates/{id}", new { id = id.ToString() });
        });
        app.MapGet("/templates/{producer}/{sequence:long}", async (string producer, long sequence, CancellationToken ct) =>
        {
            var status = await queue.GetStatusAsync(new WorkItemId(producer, sequence), ct);
            return Results.Ok(new { state = status.State.ToString(), worker = status.Worker, fence = status.FencingToken, attempt = status.Attempt });
        });
        app.MapGet("/site", () => Results.Ok(new { site = front.Site, cpuUsed = capacity.UsedCpu, cpuTotal = capacity.TotalCpu }));
        await app.StartAsync();
        return new PlacementSite(site, app, front, workers, capacity);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in Workers)
        {
            worker.Kill();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var worker in Workers)
        {
            await DisposeQuietlyAsync(worker.Client);
        }

        await DisposeQuietlyAsync(_front);
    }

    private static async Task DisposeQuietlyAsync(IMusicClient client)
    {
        try
        {
            await client.DisposeAsync();
        }
        catch (MusicException)
        {
            // a crashed client cannot say goodbye
        }
    }
}
