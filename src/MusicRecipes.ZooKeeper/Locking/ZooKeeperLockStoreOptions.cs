namespace MusicRecipes.ZooKeeper;

/// <summary>Settings of a <see cref="ZooKeeperLockStore"/>.</summary>
/// <example>
/// <code>
/// var store = ZooKeeperLockStore.Create(new ZooKeeperClientOptions { ConnectionString = "zk1:2181,zk2:2181,zk3:2181/music" },
///                                       new ZooKeeperLockStoreOptions { RootPath = "/locks" });
/// </code>
/// </example>
public sealed class ZooKeeperLockStoreOptions
{
    /// <summary>
    /// Where the per-key nodes live (relative to the client's chroot); created if missing. Every client that locks
    /// the same keys must use the same root. Default "/musicrecipes/locks".
    /// </summary>
    public string RootPath { get; set; } = "/musicrecipes/locks";

    /// <summary>How often an enqueue is tried when its outcome is unknown or its session expired under it. Default 3.</summary>
    public int EnqueueAttempts { get; set; } = 3;

    /// <summary>The local clock (the servers' clock is estimated from it). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
