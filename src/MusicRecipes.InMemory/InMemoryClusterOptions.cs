namespace MusicRecipes.InMemory;

/// <summary>Options of an <see cref="InMemoryMusicCluster"/>.</summary>
public sealed class InMemoryClusterOptions
{
    /// <summary>Round-trip time between two sites. Local-site operations pay nothing. Default zero.</summary>
    public TimeSpan InterSiteLatency { get; set; } = TimeSpan.Zero;

    /// <summary>A lock session that sends no heartbeat for this long expires (as a ZooKeeper session does). Default 2 s.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a QUORUM operation waits for enough replicas before it times out. Default 1 s.</summary>
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest value a replica accepts, in bytes. Default 1 MiB.</summary>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>The cluster's clock (sessions, lock timestamps). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InterSiteLatency, TimeSpan.Zero, nameof(InterSiteLatency));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SessionTimeout, TimeSpan.Zero, nameof(SessionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReplicaTimeout, TimeSpan.Zero, nameof(ReplicaTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueBytes, 1, nameof(MaxValueBytes));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
