using MusicRecipes;

namespace PlacementService;

/// <summary>A simulated worker process: its MUSIC client, and a kill switch the scenario uses to crash it.</summary>
public sealed class WorkerProcess(string name, int site, IMusicClient client)
{
    private readonly CancellationTokenSource _kill = new();

    public string Name { get; } = name;

    public int Site { get; } = site;

    public IMusicClient Client { get; } = client;

    public CancellationToken KilledToken => _kill.Token;

    public bool IsKilled => _kill.IsCancellationRequested;

    /// <summary>Raised when the worker has claimed a template and started placing it (the scenario's crash point).</summary>
    public event Action<WorkerProcess>? PlacementStarted;

    public void Kill() => _kill.Cancel();

    internal void OnPlacementStarted() => PlacementStarted?.Invoke(this);
}
