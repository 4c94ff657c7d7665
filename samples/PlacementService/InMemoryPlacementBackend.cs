using MusicRecipes;
using MusicRecipes.InMemory;
using MusicRecipes.Testing;

namespace PlacementService;

/// <summary>The embedded default: three simulated sites in this process (the test kit's in-memory cluster and its faults).</summary>
public sealed class InMemoryPlacementBackend(ScenarioOptions options) :
    InMemoryTestCluster(
        new InMemoryClusterOptions
        {
            InterSiteLatency = options.InterSiteLatency,
            SessionTimeout = options.SessionTimeout,
            ReplicaTimeout = TimeSpan.FromMilliseconds(500),
        },
        options.Sites),
    IPlacementBackend
{
    public string Description => $"in-memory, {options.Sites} simulated sites, {options.InterSiteLatency.TotalMilliseconds} ms between sites";

    public string CutOffEffect => "its clients keep local eventual puts; no locks, no quorum";

    Task<IMusicClient> IPlacementBackend.CreateClientAsync(int site) => CreateClientAsync(site);
}
