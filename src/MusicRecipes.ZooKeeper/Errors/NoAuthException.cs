namespace MusicRecipes.ZooKeeper;

/// <summary>The ACL does not allow the operation (<see cref="KeeperErrorCode.NoAuth"/>).</summary>
public sealed class NoAuthException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public NoAuthException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.NoAuth, path, message, innerException)
    {
    }
}
