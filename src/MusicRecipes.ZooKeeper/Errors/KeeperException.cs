namespace MusicRecipes.ZooKeeper;

/// <summary>
/// An error answered by ZooKeeper (or ConnectionLoss/OperationTimeout raised by the client), with the path it
/// concerns. Frequent codes have their own sealed subclasses so callers can <c>catch</c> them.
/// </summary>
/// <example>
/// <code>
/// try { await client.CreateAsync("/a", data, CreateMode.Persistent, ct); }
/// catch (NodeExistsException e) { logger.LogDebug("{Path} already there", e.Path); }
/// catch (KeeperException e) when (e.Code == KeeperErrorCode.NoAuth) { throw; }
/// </code>
/// </example>
public class KeeperException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeeperException(KeeperErrorCode code, string? path, string? message = null, Exception? innerException = null)
        : base(message ?? DescribeCode(code, path), innerException)
    {
        Code = code;
        Path = path;
    }

    /// <summary>The error code.</summary>
    public KeeperErrorCode Code { get; }

    /// <summary>The path of the failed operation (relative to the chroot), when it concerns one.</summary>
    public string? Path { get; }

    /// <summary>For a failed <see cref="ZooKeeperClient.MultiAsync"/>: every operation's result, or <c>null</c>.</summary>
    public IReadOnlyList<ZooKeeperOpResult>? MultiResults { get; private set; }

    /// <summary>Creates the typed exception for <paramref name="code"/>.</summary>
    public static KeeperException Create(KeeperErrorCode code, string? path, string? message = null, Exception? innerException = null) => code switch
    {
        KeeperErrorCode.NoNode => new NoNodeException(path),
        KeeperErrorCode.NodeExists => new NodeExistsException(path),
        KeeperErrorCode.BadVersion => new BadVersionException(path),
        KeeperErrorCode.NotEmpty => new NotEmptyException(path),
        KeeperErrorCode.NoChildrenForEphemerals => new NoChildrenForEphemeralsException(path),
        KeeperErrorCode.SessionExpired => new SessionExpiredException(path, message),
        KeeperErrorCode.ConnectionLoss => new ConnectionLossException(path, message, innerException),
        KeeperErrorCode.OperationTimeout => new OperationTimeoutException(path, message),
        KeeperErrorCode.SessionMoved => new SessionMovedException(path),
        KeeperErrorCode.NoAuth => new NoAuthException(path),
        KeeperErrorCode.AuthFailed => new AuthFailedException(path, message),
        KeeperErrorCode.BadArguments => new BadArgumentsException(path, message),
        _ => new KeeperException(code, path, message, innerException),
    };

    internal KeeperException WithMultiResults(IReadOnlyList<ZooKeeperOpResult> results)
    {
        MultiResults = results;
        return this;
    }

    private static string DescribeCode(KeeperErrorCode code, string? path) =>
        path is null ? $"ZooKeeper error {code} ({(int)code})." : $"ZooKeeper error {code} ({(int)code}) for {path}.";
}
