using MusicRecipes.Locking;

namespace MusicRecipes.InMemory;

/// <summary>A session of the in-memory lock service: alive while heartbeats arrive, like a ZooKeeper session.</summary>
internal sealed class LockSession(string id, int site, long lastHeartbeat, Action<LockTicket, LockLossReason> notifyOwner)
{
    public string Id { get; } = id;

    public int Site { get; } = site;

    /// <summary>Timestamp (TimeProvider ticks) of the last heartbeat the service received. Guarded by the service's lock.</summary>
    public long LastHeartbeat { get; set; } = lastHeartbeat;

    /// <summary>Guarded by the service's lock.</summary>
    public bool Expired { get; set; }

    /// <summary>
    /// Tells the owning client that the service dropped one of its tickets, as a ZooKeeper watch on the ticket's node
    /// would: the message travels over the network, so the owner hears of it later, or — while cut off — only after
    /// the heal. Called under the service's lock; must not block.
    /// </summary>
    public Action<LockTicket, LockLossReason> NotifyOwner { get; } = notifyOwner;

    /// <summary>The session's tickets still in some queue. Guarded by the service's lock.</summary>
    public Dictionary<string, LockTicket> Tickets { get; } = new(StringComparer.Ordinal);
}
