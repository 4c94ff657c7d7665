namespace MusicRecipes.ZooKeeper;

/// <summary>The node a create made (create2).</summary>
/// <param name="Path">The node's path, relative to the chroot; for a sequential node it includes the counter.</param>
/// <param name="Stat">The new node's metadata; <see cref="ZooKeeperStat.Ctime"/> is the server's clock at the write.</param>
/// <example>
/// <code>
/// var created = await client.CreateAsync("/jobs/job-", payload, CreateMode.PersistentSequential, cancellationToken);
/// </code>
/// </example>
public sealed record ZooKeeperCreateResult(string Path, ZooKeeperStat Stat);
