using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MusicRecipes;
using MusicRecipes.Hosting;

namespace PlacementService;

/// <summary>
/// One site of the placement service: a web front on 127.0.0.1 (a host with <c>AddMusic</c>: the template API, health,
/// OpenAPI, the live page at <c>/</c>) where clients submit templates — an eventual put at this site, no WAN round
/// trip — and the site's worker processes, each a host of its own.
/// </summary>
public sealed class PlacementSite : IAsyncDisposable
{
    /// <summary>The work queue every site submits to and every worker claims from.</summary>
    public const string QueueName = "templates";

    private readonly WebApplication _app;

    private PlacementSite(int site, PlacementWorld world, WebApplication app)
    {
        Site = site;
        World = world;
        _app = app;
        Capacity = world.Capacity(site);
    }

    /// <summary>The site index (0-based): site-{Site}.</summary>
    public int Site { get; }

    /// <summary>What the sites of this process share (cloud capacity, ledger, event feed).</summary>
    public PlacementWorld World { get; }

    /// <summary>The site's worker processes.</summary>
    public IReadOnlyList<WorkerProcess> Workers { get; private set; } = [];

    /// <summary>The site's cores.</summary>
    public SiteCapacity Capacity { get; }

    /// <summary>The site's HTTP address (http://127.0.0.1:port).</summary>
    public Uri Address => new(_app.Urls.First());

    /// <summary>Starts the site's web front on 127.0.0.1:<paramref name="port"/> (0: any free port), then its workers, and registers the site with <paramref name="world"/>.</summary>
    public static async Task<PlacementSite> StartAsync(int site, IPlacementBackend backend, PlacementWorld world, int port = 0, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(PlacementSite).Assembly.GetName().Name });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("MusicRecipes", LogLevel.Error);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddMusic(o => o.UseClientFactory(async (_, _, _) => await backend.CreateClientAsync(site))).AddMusicWorkQueue(QueueName);
        builder.Services.AddHealthChecks().AddMusicHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<CoordinationProblemHandler>();
        builder.Services.AddOpenApi();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var placementSite = new PlacementSite(site, world, app);
        app.MapGet("/", () => Results.Content(DashboardPage.Html, "text/html; charset=utf-8")).ExcludeFromDescription();
        app.MapPlacementApi(placementSite, backend);
        app.MapHealthChecks("/health");
        app.MapOpenApi();
        await app.StartAsync(cancellationToken);

        var workers = new List<WorkerProcess>();
        for (var i = 0; i < world.Options.WorkersPerSite; i++)
        {
            workers.Add(await WorkerProcess.StartAsync($"site-{site}-w{i}", site, backend, world, cancellationToken));
        }

        placementSite.Workers = workers;
        world.Register(placementSite);
        return placementSite;
    }

    /// <summary>Stops the workers (each finishes or puts back its template), then the web front.</summary>
    public async ValueTask DisposeAsync()
    {
        World.Unregister(this);
        await Task.WhenAll(Workers.Select(w => w.DisposeAsync().AsTask()));
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
