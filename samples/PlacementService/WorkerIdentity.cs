namespace PlacementService;

/// <summary>Who a worker process is (name, site) and its kill switch, as its placement handler sees it.</summary>
public sealed class WorkerIdentity(string name, int site)
{
    private readonly CancellationTokenSource _kill = new();

    /// <summary>The worker's name (site-{site}-w{i}); also its work-queue worker id.</summary>
    public string Name { get; } = name;

    /// <summary>The worker's site index.</summary>
    public int Site { get; } = site;

    /// <summary>Fires when the process is crashed.</summary>
    public CancellationToken KilledToken => _kill.Token;

    /// <summary>True once the process is crashed.</summary>
    public bool IsKilled => _kill.IsCancellationRequested;

    /// <summary>Raised when the worker has claimed a template and started placing it.</summary>
    public event Action? PlacementStarted;

    /// <summary>Crashes the process: its handler stops where it is and does nothing more.</summary>
    public void Kill() => _kill.Cancel();

    internal void OnPlacementStarted() => PlacementStarted?.Invoke();
}
