using Microsoft.Extensions.Options;
using MusicRecipes.InMemory;

namespace MusicRecipes.Hosting;

/// <summary>The host's in-memory cluster: the shared one given to <c>UseInMemory(cluster, site)</c>, or one it owns.</summary>
internal sealed class InMemoryClusterHolder(IOptions<MusicOptions> options) : IAsyncDisposable
{
    private readonly Lazy<(InMemoryMusicCluster Cluster, bool Owned)> _cluster = new(() =>
    {
        var value = options.Value;
        if (value.SharedCluster is { } shared)
        {
            return (shared, false);
        }

        var settings = value.InMemory;
        return (new InMemoryMusicCluster(settings.Sites, new InMemoryClusterOptions
        {
            SessionTimeout = settings.SessionTimeout,
            ReplicaTimeout = settings.ReplicaTimeout,
            InterSiteLatency = settings.InterSiteLatency,
            MaxValueBytes = value.MaxValueBytes,
        }), true);
    });

    public InMemoryMusicCluster Cluster => _cluster.Value.Cluster;

    public async ValueTask DisposeAsync()
    {
        if (_cluster.IsValueCreated && _cluster.Value.Owned)
        {
            await _cluster.Value.Cluster.DisposeAsync().ConfigureAwait(false);
        }
    }
}
