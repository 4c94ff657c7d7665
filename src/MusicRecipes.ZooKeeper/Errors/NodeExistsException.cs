namespace MusicRecipes.ZooKeeper;

/// <summary>The node already exists (<see cref="KeeperErrorCode.NodeExists"/>).</summary>
public sealed class NodeExistsException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public NodeExistsException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.NodeExists, path, message, innerException)
    {
    }
}
