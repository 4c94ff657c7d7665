namespace MusicRecipes.ZooKeeper;

/// <summary>The session moved to another server while the request was in flight (<see cref="KeeperErrorCode.SessionMoved"/>).</summary>
public sealed class SessionMovedException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public SessionMovedException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.SessionMoved, path, message, innerException)
    {
    }
}
