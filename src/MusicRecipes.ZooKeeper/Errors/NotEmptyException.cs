namespace MusicRecipes.ZooKeeper;

/// <summary>The node has children and cannot be deleted (<see cref="KeeperErrorCode.NotEmpty"/>).</summary>
public sealed class NotEmptyException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public NotEmptyException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.NotEmpty, path, message, innerException)
    {
    }
}
