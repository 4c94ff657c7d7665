namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The state of a <see cref="ZooKeeperClient"/>'s connection and session, named as Apache Curator names them.
/// </summary>
/// <remarks>
/// What each state means for a lock holder: <see cref="Connected"/> and <see cref="Reconnected"/>: its ephemeral
/// nodes are in place. <see cref="Suspended"/>: they may vanish at any moment (the ensemble may already have
/// expired the session); pause work that must not run twice. <see cref="Lost"/>: they are gone.
/// </remarks>
/// <example>
/// <code>
/// client.ConnectionStateChanged += (_, e) =>
/// {
///     if (e.State == ZooKeeperConnectionState.Lost) { StopLeading(); }
/// };
/// </code>
/// </example>
public enum ZooKeeperConnectionState
{
    /// <summary>Not connected yet.</summary>
    Latent,

    /// <summary>Connected with a new session (the first, or one that replaced an expired session).</summary>
    Connected,

    /// <summary>The connection dropped; the session may still be alive. The client is trying the other servers.</summary>
    Suspended,

    /// <summary>Connected again within the session timeout, with the same session: ephemerals and watches survived.</summary>
    Reconnected,

    /// <summary>
    /// The session expired (the server said so on reconnect, or the client was cut off for longer than the session
    /// timeout). Its ephemeral nodes are gone and its watches will not fire. The client opens a new session next.
    /// </summary>
    Lost,

    /// <summary>The client was disposed.</summary>
    Closed,
}
