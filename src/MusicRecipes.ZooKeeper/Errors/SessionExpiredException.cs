namespace MusicRecipes.ZooKeeper;

/// <summary>The session expired: its ephemeral nodes and watches are gone (<see cref="KeeperErrorCode.SessionExpired"/>).</summary>
public sealed class SessionExpiredException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public SessionExpiredException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.SessionExpired, path, message, innerException)
    {
    }
}
