namespace PlacementService;

/// <summary>
/// <c>--serve</c>: keeps the three sites serving HTTP (127.0.0.1:5080–5082) until the process's host stops — on Ctrl+C
/// or SIGTERM, as systemd and Kubernetes stop a service — then stops every site cleanly (workers finish or put back their
/// templates and release their locks) and closes the backend.
/// </summary>
internal sealed class ServeSitesService(IPlacementBackend backend, PlacementWorld world, int basePort, TextWriter output) : IHostedService
{
    private readonly List<PlacementSite> _sites = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var site = 0; site < world.Options.Sites; site++)
        {
            _sites.Add(await PlacementSite.StartAsync(site, backend, world, basePort + site, cancellationToken));
            await output.WriteLineAsync($"site-{site}: {_sites[^1].Address}  (live page at /, POST /templates {{\"name\":\"web\",\"cpu\":4}}, /health, /openapi/v1.json)");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await output.WriteLineAsync("Stopping the sites…");
        await Task.WhenAll(_sites.Select(s => s.DisposeAsync().AsTask()));
        await backend.DisposeAsync();
        await output.WriteLineAsync("Stopped.");
    }
}
