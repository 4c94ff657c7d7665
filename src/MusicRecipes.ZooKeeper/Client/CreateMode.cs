namespace MusicRecipes.ZooKeeper;

/// <summary>How <see cref="ZooKeeperClient.CreateAsync"/> creates a node (the create flags of ZooKeeper).</summary>
/// <example>
/// <code>
/// var created = await client.CreateAsync("/queue/item-", payload, CreateMode.EphemeralSequential, cancellationToken);
/// Console.WriteLine(created.Path); // "/queue/item-0000000007"
/// </code>
/// </example>
public enum CreateMode
{
    /// <summary>The node lives until deleted.</summary>
    Persistent = 0,

    /// <summary>The node is deleted when the creating session ends.</summary>
    Ephemeral = 1,

    /// <summary>Persistent, with a 10-digit counter taken from the parent's child version appended to the name.</summary>
    PersistentSequential = 2,

    /// <summary>Ephemeral and sequential.</summary>
    EphemeralSequential = 3,

    /// <summary>
    /// A container: the server deletes it some time after its last child is gone. Do not use a container for
    /// anything whose children's sequence numbers must never restart (rule 2 of docs/design.md).
    /// </summary>
    Container = 4,
}
