namespace PlacementService;

/// <summary>
/// The lifetime of a host embedded in the demo process (a site's web front, a worker): it does not listen for Ctrl+C or
/// SIGTERM itself — the process's own host does, and stops the embedded ones.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
