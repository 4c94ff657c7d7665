namespace MusicRecipes.ZooKeeper;

/// <summary>
/// A session's id and password: what a client presents to resume the session on another server. Handing them to a
/// second client makes both share one session (the test kit uses this to expire a session on demand).
/// </summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Password">The session password (16 bytes).</param>
/// <example>
/// <code>
/// var options = new ZooKeeperClientOptions { ConnectionString = cs, ResumeSession = client.SessionCredentials };
/// </code>
/// </example>
public sealed record ZooKeeperSessionCredentials(long SessionId, byte[] Password);
