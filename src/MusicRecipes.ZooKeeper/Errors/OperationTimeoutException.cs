namespace MusicRecipes.ZooKeeper;

/// <summary>The operation timed out (<see cref="KeeperErrorCode.OperationTimeout"/>).</summary>
public sealed class OperationTimeoutException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public OperationTimeoutException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.OperationTimeout, path, message, innerException)
    {
    }
}
