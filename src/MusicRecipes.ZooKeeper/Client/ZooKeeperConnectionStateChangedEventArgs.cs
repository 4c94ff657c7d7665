namespace MusicRecipes.ZooKeeper;

/// <summary>Reports a change of <see cref="ZooKeeperClient.ConnectionState"/>.</summary>
/// <example>
/// <code>
/// client.ConnectionStateChanged += (_, e) => logger.LogInformation("ZooKeeper {State}, session 0x{Session:x}", e.State, e.SessionId);
/// </code>
/// </example>
public sealed class ZooKeeperConnectionStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    public ZooKeeperConnectionStateChangedEventArgs(ZooKeeperConnectionState state, long sessionId)
    {
        State = state;
        SessionId = sessionId;
    }

    /// <summary>The new state.</summary>
    public ZooKeeperConnectionState State { get; }

    /// <summary>The session the state refers to (for <see cref="ZooKeeperConnectionState.Lost"/>, the session that expired).</summary>
    public long SessionId { get; }
}
