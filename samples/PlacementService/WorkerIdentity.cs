namespace PlacementService;

/// <summary>Who a worker process is (name, site) and its kill switch, as its placement handler sees it.</summary>
public sealed class WorkerIdentity(string name, int site)
{
    private readonly CancellationTokenSource _kill = new();

    public string Name { get; } = name;

    public int Site { get; } = site;

    public CancellationToken KilledToken => _kill.Token;

    public bool IsKilled => _kill.IsCancellationRequested;

    /// <summary>Raised when the worker has claimed a template and started placing it.</summary>
    public event Action? PlacementStarted;

    public void Kill() => _kill.Cancel();

    internal void OnPlacementStarted() => PlacementStarted?.Invoke();
}
