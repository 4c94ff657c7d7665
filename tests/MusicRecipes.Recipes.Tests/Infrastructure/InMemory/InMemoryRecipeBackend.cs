using MusicRecipes.InMemory;
using MusicRecipes.Recipes.Tests.AbstractTestCases;

namespace MusicRecipes.Recipes.Tests.Infrastructure.InMemory;

/// <summary>
/// The in-memory backend for the recipe suites: a fresh 3-site cluster per test, with a short session timeout so
/// expiry-driven tests stay fast, yet long enough that a loaded machine does not expire sessions spuriously (every fault is injected for real: sessions expire, quorums fail, hints replay).
/// The replica timeout is generous so a loaded 2-core machine does not turn slow writes into spurious timeouts.
/// </summary>
public sealed class InMemoryRecipeBackend : IRecipeTestBackend
{
    /// <summary>The session timeout of the test clusters: short, so expiry-driven tests stay fast.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(2);

    public InMemoryMusicCluster Cluster { get; } = new(
        sites: 3,
        new InMemoryClusterOptions { SessionTimeout = SessionTimeout, ReplicaTimeout = TimeSpan.FromSeconds(2) });

    public int SiteCount => Cluster.SiteCount;

    public Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null) =>
        Task.FromResult<IMusicClient>(Cluster.CreateClient(site, options));

    public Task ExpireSessionAsync(IMusicClient client)
    {
        Cluster.ExpireSession(client);
        return Task.CompletedTask;
    }

    public Task CrashAsync(IMusicClient client)
    {
        Cluster.Crash(client);
        return Task.CompletedTask;
    }

    public Task CutOffAsync(int site)
    {
        Cluster.CutOff(site);
        return Task.CompletedTask;
    }

    public Task HealAsync(int site)
    {
        Cluster.Heal(site);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
