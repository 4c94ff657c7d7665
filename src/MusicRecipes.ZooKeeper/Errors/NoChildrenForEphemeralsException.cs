namespace MusicRecipes.ZooKeeper;

/// <summary>Ephemeral nodes cannot have children (<see cref="KeeperErrorCode.NoChildrenForEphemerals"/>).</summary>
public sealed class NoChildrenForEphemeralsException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public NoChildrenForEphemeralsException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.NoChildrenForEphemerals, path, message, innerException)
    {
    }
}
