namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The servers refused the client's credentials (<see cref="KeeperErrorCode.AuthFailed"/>). Final: the client does not
/// reconnect (the same credentials would be refused again), and every later call throws this.
/// </summary>
public sealed class AuthFailedException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public AuthFailedException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.AuthFailed, path, message, innerException)
    {
    }
}
