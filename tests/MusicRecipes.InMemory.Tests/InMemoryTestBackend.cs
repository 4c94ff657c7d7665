using MusicRecipes.Conformance;
using MusicRecipes.InMemory;
using MusicRecipes.Storage;

namespace MusicRecipes.InMemory.Tests;

/// <summary>The in-memory backend for the conformance suites: a fresh 3-site cluster per test class instance.</summary>
public sealed class InMemoryTestBackend(InMemoryClusterOptions? options = null) : IMusicTestBackend, IPartialWriteFaults, IPartitionFaults, IAsyncDisposable
{
    public InMemoryMusicCluster Cluster { get; } = new(sites: 3, options ?? new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromSeconds(3), ReplicaTimeout = TimeSpan.FromSeconds(1) });

    public int SiteCount => Cluster.SiteCount;

    public Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null) =>
        Task.FromResult<IMusicClient>(Cluster.CreateClient(site, options));

    public Task<IDataStore> CreateDataStoreAsync(int site) => Task.FromResult(Cluster.CreateDataStore(site));

    public Task ExpireSessionAsync(IMusicClient client)
    {
        Cluster.ExpireSession(client);
        return Task.CompletedTask;
    }

    public Task ArmPartialWriteAsync(IMusicClient writer)
    {
        Cluster.FailNextCriticalWrite(SiteIndex(writer), replicas: 1);
        return Task.CompletedTask;
    }

    public Task RecoverAsync() => Task.CompletedTask;

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

    private static int SiteIndex(IMusicClient client) => int.Parse(client.Site.AsSpan("site-".Length));
}
