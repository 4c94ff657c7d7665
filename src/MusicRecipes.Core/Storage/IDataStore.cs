namespace MusicRecipes.Storage;

/// <summary>
/// The AP half of MUSIC: a replicated key-value store with last-write-wins by write timestamp
/// (Cassandra, or the in-memory sites). One instance is a client's view from its own site.
/// </summary>
/// <remarks>Backends implement this; programs use <see cref="IMusicClient"/>.</remarks>
public interface IDataStore
{
    /// <summary>The site this view reads and writes locally.</summary>
    string Site { get; }

    /// <summary>The largest value the store accepts, in bytes.</summary>
    int MaxValueBytes { get; }

    /// <summary>
    /// Reads <paramref name="key"/> from one local replica or a majority; with a majority the newest timestamp
    /// wins. Returns <c>null</c> when no replica read has a value (never written, or deleted).
    /// </summary>
    /// <exception cref="MusicUnavailableException">Not enough replicas are reachable.</exception>
    /// <exception cref="MusicTimeoutException">Too few replicas answered in time.</exception>
    Task<StoredValue?> ReadAsync(string key, DataConsistency consistency, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="value"/> (or a tombstone when <c>null</c>) with the given write timestamp. A replica
    /// keeps whichever write has the larger timestamp.
    /// </summary>
    /// <exception cref="MusicUnavailableException">Not enough replicas are reachable; nothing was written.</exception>
    /// <exception cref="MusicTimeoutException">
    /// Too few replicas acknowledged in time. The write may have reached some replicas (a partial write).
    /// </exception>
    Task WriteAsync(string key, byte[]? value, long timestamp, DataConsistency consistency, CancellationToken cancellationToken);
}
