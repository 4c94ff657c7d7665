namespace MusicRecipes.ZooKeeper;

/// <summary>The server rejected the request's arguments (<see cref="KeeperErrorCode.BadArguments"/>).</summary>
public sealed class BadArgumentsException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public BadArgumentsException(string? path, string? message = null, Exception? innerException = null)
        : base(KeeperErrorCode.BadArguments, path, message, innerException)
    {
    }
}
