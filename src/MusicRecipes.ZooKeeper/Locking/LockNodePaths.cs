using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Where a lock store's nodes live under its root: <c>{root}/k-{key}</c> per key (see <see cref="KeyNodeName"/>), and
/// under it one <c>t-{ticketId}-{sequence}</c> per queued ticket (see <see cref="TicketNodeName"/>).
/// </summary>
internal sealed class LockNodePaths(string root)
{
    /// <summary>The root every key node lives under (also the path the store syncs on).</summary>
    public string Root => root;

    public string KeyPath(string key) => ZooKeeperPath.Combine(root, KeyNodeName.Encode(key));

    /// <summary>The create of a ticket's node in the queue of <paramref name="key"/>: EPHEMERAL_SEQUENTIAL, named by the ticket id.</summary>
    public ZooKeeperOp CreateTicket(string key, string ticketId, byte[] ticketData) =>
        ZooKeeperOp.Create(KeyPath(key) + "/" + TicketNodeName.PrefixOf(ticketId), ticketData, CreateMode.EphemeralSequential);

    public string NodePath(string ticketId, TicketPosition position) =>
        ZooKeeperPath.Combine(KeyPath(position.Key), TicketNodeName.NameOf(ticketId, position.Ordinal));

    /// <summary>The key nodes of <paramref name="keys"/>, in the same order.</summary>
    public IReadOnlyList<string> KeyPaths(IEnumerable<string> keys) => keys.Select(KeyPath).ToArray();
}
