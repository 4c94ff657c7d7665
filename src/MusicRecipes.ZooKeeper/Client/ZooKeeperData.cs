namespace MusicRecipes.ZooKeeper;

/// <summary>A node's data and metadata, as read by <see cref="ZooKeeperClient.GetDataAsync"/>.</summary>
/// <param name="Data">The data (empty when the node has none).</param>
/// <param name="Stat">The metadata, read in the same transaction.</param>
/// <example>
/// <code>
/// var (data, stat) = await client.GetDataAsync("/config", watcher: null, cancellationToken);
/// </code>
/// </example>
public sealed record ZooKeeperData(byte[] Data, ZooKeeperStat Stat);
