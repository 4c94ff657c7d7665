namespace MusicRecipes.ZooKeeper;

/// <summary>Maps ZooKeeper connection states onto MusicRecipes' <see cref="LockSessionState"/>.</summary>
public static class ZooKeeperConnectionStateExtensions
{
    /// <summary>The <see cref="LockSessionState"/> with the same meaning.</summary>
    /// <example>
    /// <code>
    /// LockSessionState state = client.ConnectionState.ToLockSessionState();
    /// </code>
    /// </example>
    public static LockSessionState ToLockSessionState(this ZooKeeperConnectionState state) => state switch
    {
        ZooKeeperConnectionState.Latent => LockSessionState.Latent,
        ZooKeeperConnectionState.Connected => LockSessionState.Connected,
        ZooKeeperConnectionState.Suspended => LockSessionState.Suspended,
        ZooKeeperConnectionState.Reconnected => LockSessionState.Reconnected,
        ZooKeeperConnectionState.Lost => LockSessionState.Lost,
        ZooKeeperConnectionState.Closed => LockSessionState.Closed,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
