using MusicRecipes.Storage;

namespace MusicRecipes.InMemory;

/// <summary>A client's view of the in-memory replicas from its own site.</summary>
internal sealed class InMemoryDataStore(int site, ReplicationCoordinator coordinator, InMemoryClusterOptions options, ClientLiveness liveness) : IDataStore
{
    public string Site { get; } = InMemoryMusicCluster.SiteName(site);

    public int MaxValueBytes => options.MaxValueBytes;

    public Task<StoredValue?> ReadAsync(string key, DataConsistency consistency, CancellationToken cancellationToken)
    {
        liveness.ThrowIfCrashed();
        return coordinator.ReadAsync(site, key, consistency, cancellationToken);
    }

    public Task WriteAsync(string key, byte[]? value, long timestamp, DataConsistency consistency, CancellationToken cancellationToken)
    {
        liveness.ThrowIfCrashed();
        if (value is not null && value.Length > MaxValueBytes)
        {
            throw new ValueTooLargeException(value.Length, MaxValueBytes, nameof(value));
        }

        return coordinator.WriteAsync(site, key, new StoredValue(value, timestamp), consistency, cancellationToken);
    }
}
