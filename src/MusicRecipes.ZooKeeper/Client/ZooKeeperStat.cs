namespace MusicRecipes.ZooKeeper;

/// <summary>The metadata ZooKeeper keeps for a node (the Jute <c>Stat</c> record).</summary>
/// <param name="Czxid">The zxid of the transaction that created the node.</param>
/// <param name="Mzxid">The zxid of the transaction that last modified the node's data.</param>
/// <param name="Ctime">Creation time, milliseconds since the Unix epoch, by the clock of the server that led the write.</param>
/// <param name="Mtime">Last modification time, milliseconds since the Unix epoch, by the server's clock.</param>
/// <param name="Version">The number of changes to the node's data (what <c>setData</c>/<c>delete</c> versions compare).</param>
/// <param name="Cversion">The number of changes to the node's children; sequential names are taken from it.</param>
/// <param name="Aversion">The number of changes to the node's ACL.</param>
/// <param name="EphemeralOwner">The owning session of an ephemeral node, 0 for other nodes.</param>
/// <param name="DataLength">The length of the node's data.</param>
/// <param name="NumChildren">The number of children.</param>
/// <param name="Pzxid">The zxid of the last change to the children.</param>
/// <example>
/// <code>
/// var stat = await client.SetDataAsync("/config", data, version: expected.Version, cancellationToken);
/// Console.WriteLine($"now at version {stat.Version}, written {stat.ModifiedAt:O}");
/// </code>
/// </example>
public sealed record ZooKeeperStat(
    long Czxid,
    long Mzxid,
    long Ctime,
    long Mtime,
    int Version,
    int Cversion,
    int Aversion,
    long EphemeralOwner,
    int DataLength,
    int NumChildren,
    long Pzxid)
{
    /// <summary><see cref="Ctime"/> as a timestamp.</summary>
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeMilliseconds(Ctime);

    /// <summary><see cref="Mtime"/> as a timestamp.</summary>
    public DateTimeOffset ModifiedAt => DateTimeOffset.FromUnixTimeMilliseconds(Mtime);

    /// <summary>True when the node is ephemeral (owned by a session).</summary>
    public bool IsEphemeral => EphemeralOwner != 0;
}
