namespace MusicRecipes.ZooKeeper;

/// <summary>The node's version is not the expected one: someone else changed it (<see cref="KeeperErrorCode.BadVersion"/>).</summary>
public sealed class BadVersionException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public BadVersionException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.BadVersion, path, message, innerException)
    {
    }
}
