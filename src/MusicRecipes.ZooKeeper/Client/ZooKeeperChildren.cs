namespace MusicRecipes.ZooKeeper;

/// <summary>A node's children and its metadata, as read by <see cref="ZooKeeperClient.GetChildrenAsync"/> (getChildren2).</summary>
/// <param name="Children">The children's names (not paths), in no particular order.</param>
/// <param name="Stat">The parent's metadata, read in the same transaction.</param>
/// <example>
/// <code>
/// var (children, stat) = await client.GetChildrenAsync("/queue", watcher: null, cancellationToken);
/// </code>
/// </example>
public sealed record ZooKeeperChildren(IReadOnlyList<string> Children, ZooKeeperStat Stat);
