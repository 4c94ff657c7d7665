using MusicRecipes;
using MusicRecipes.InMemory;

namespace PlacementService;

/// <summary>The embedded default: three simulated sites in this process.</summary>
public sealed class InMemoryPlacementBackend(ScenarioOptions options) : IPlacementBackend
{
    private readonly InMemoryMusicCluster _cluster = new(options.Sites, new InMemoryClusterOptions
    {
        InterSiteLatency = options.InterSiteLatency,
        SessionTimeout = options.SessionTimeout,
        ReplicaTimeout = TimeSpan.FromMilliseconds(500),
    });

    public string Description => $"in-memory, {options.Sites} simulated sites, {options.InterSiteLatency.TotalMilliseconds} ms between sites";

    public string CutOffEffect => "its clients keep local eventual puts; no locks, no quorum";

    public Task<IMusicClient> CreateClientAsync(int site) => Task.FromResult<IMusicClient>(_cluster.CreateClient(site));

    public Task CrashAsync(IMusicClient client)
    {
        _cluster.Crash(client);
        return Task.CompletedTask;
    }

    public Task CutOffAsync(int site)
    {
        _cluster.CutOff(site);
        return Task.CompletedTask;
    }

    public Task HealAsync(int site)
    {
        _cluster.Heal(site);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
