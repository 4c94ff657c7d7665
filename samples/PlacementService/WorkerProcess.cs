using MusicRecipes;
using MusicRecipes.Hosting;

namespace PlacementService;

/// <summary>
/// One worker process of a site: a host of its own with one MUSIC client (<c>AddMusic</c>) and one work-queue worker
/// running <see cref="PlacementHandler"/> in a DI scope per template. The scenario crashes it: its client is cut off
/// for good (its locks stay until its session expires) and it does nothing more.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly WorkerIdentity _identity;
    private readonly Task<IMusicClient> _client;

    private WorkerProcess(IHost host, WorkerIdentity identity, Task<IMusicClient> client)
    {
        _host = host;
        _identity = identity;
        _client = client;
    }

    /// <summary>Raised when the worker has claimed a template and started placing it (the scenario's crash point).</summary>
    public event Action<WorkerProcess>? PlacementStarted;

    /// <summary>The worker's name (site-{site}-w{i}).</summary>
    public string Name => _identity.Name;

    /// <summary>The worker's site index.</summary>
    public int Site => _identity.Site;

    /// <summary>True once the process was crashed.</summary>
    public bool IsKilled => _identity.IsKilled;

    /// <summary>Starts the worker's host: its MUSIC client from <paramref name="backend"/> and one work-queue worker on <see cref="PlacementSite.QueueName"/>.</summary>
    public static async Task<WorkerProcess> StartAsync(string name, int site, IPlacementBackend backend, PlacementWorld world, CancellationToken cancellationToken = default)
    {
        var identity = new WorkerIdentity(name, site);
        var created = new TaskCompletionSource<IMusicClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("MusicRecipes", LogLevel.Error);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(identity).AddSingleton(world).AddSingleton(world.Options).AddSingleton(world.Ledger).AddSingleton(world.Capacity(site));
        builder.Services.AddMusic(o => o.UseClientFactory(async (_, _, _) =>
            {
                var client = await backend.CreateClientAsync(site);
                created.TrySetResult(client);
                return client;
            }))
            .AddMusicWorkQueueWorker<PlacementHandler>(PlacementSite.QueueName, configure: q =>
            {
                q.WorkerId = name;
                q.MaxPollInterval = TimeSpan.FromMilliseconds(200);
            });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var process = new WorkerProcess(host, identity, created.Task);
        identity.PlacementStarted += () => process.PlacementStarted?.Invoke(process);
        return process;
    }

    /// <summary>The process dies: its client is cut off for good (no release, no goodbye), and it does nothing more.</summary>
    public async Task CrashAsync(IPlacementBackend backend)
    {
        await backend.CrashAsync(await _client);
        _identity.Kill();
        _ = _host.StopAsync(CancellationToken.None);
    }

    /// <summary>A clean stop: the worker finishes or puts back its template and releases its lock (unless it crashed).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is OperationCanceledException)
        {
            // a crashed process cannot say goodbye
        }

        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
