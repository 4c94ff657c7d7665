namespace MusicRecipes.ZooKeeper;

/// <summary>The result of one operation of a multi transaction.</summary>
/// <param name="Kind">What the operation did.</param>
/// <param name="Error">The error of a failed operation; <see cref="KeeperErrorCode.Ok"/> otherwise (also for an operation that
/// would have succeeded in a transaction that failed elsewhere).</param>
/// <param name="Path">For a create: the created path, relative to the chroot (with the counter of a sequential node).</param>
/// <param name="Stat">For a setData: the node's new metadata. For a create only when the server sends it (ZooKeeper 3.8
/// answers creates inside a multi without a Stat, so it is usually <c>null</c>).</param>
/// <example>
/// <code>
/// var results = await client.MultiAsync([ZooKeeperOp.Create("/q/n-", data, CreateMode.EphemeralSequential)], ct);
/// string created = results[0].Path!;
/// </code>
/// </example>
public sealed record ZooKeeperOpResult(ZooKeeperOpKind Kind, KeeperErrorCode Error, string? Path, ZooKeeperStat? Stat);
