namespace MusicRecipes.ZooKeeper;

/// <summary>The node (or, for a create, its parent) does not exist (<see cref="KeeperErrorCode.NoNode"/>).</summary>
public sealed class NoNodeException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public NoNodeException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.NoNode, path, message, innerException)
    {
    }
}
