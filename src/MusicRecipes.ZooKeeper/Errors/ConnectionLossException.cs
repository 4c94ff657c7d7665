namespace MusicRecipes.ZooKeeper;

/// <summary>The connection was lost, or none could be made in time. For a write the outcome is unknown (<see cref="KeeperErrorCode.ConnectionLoss"/>).</summary>
public sealed class ConnectionLossException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionLossException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.ConnectionLoss, path, message, innerException)
    {
    }
}
