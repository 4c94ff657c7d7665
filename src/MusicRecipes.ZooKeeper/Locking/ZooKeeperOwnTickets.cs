using System.Collections.Concurrent;
using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The tickets a lock store enqueued and still follows (each with its watchers and records, see
/// <see cref="TrackedTicket"/>), and the ids of those it removed itself, so that finding one of them missing later is
/// not mistaken for a forced release.
/// </summary>
internal sealed class ZooKeeperOwnTickets
{
    private readonly ConcurrentDictionary<string, TrackedTicket> _tracked = new(StringComparer.Ordinal);
    private readonly RecentlyRemoved _removedByUs = new(capacity: 4096);

    public void Track(TrackedTicket tracked) => _tracked[tracked.Ticket.Id] = tracked;

    public bool TryGet(string ticketId, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TrackedTicket tracked) =>
        _tracked.TryGetValue(ticketId, out tracked);

    public void Forget(string ticketId) => _tracked.TryRemove(ticketId, out _);

    /// <summary>Our own deletions of the ticket's nodes must not look like a forced release to the node watch.</summary>
    public void MarkRemovedByUs(LockTicket ticket)
    {
        _removedByUs.Add(ticket.Id);
        if (_tracked.TryGetValue(ticket.Id, out var tracked))
        {
            tracked.MarkRemovedByOwner();
        }
    }

    public bool WasRemovedByUs(string ticketId) => _removedByUs.Contains(ticketId);

    /// <summary>The tickets of <paramref name="session"/> (a <see cref="ZooKeeperLockStore.FormatSessionId"/> id), as of now.</summary>
    public TrackedTicket[] OfSession(string session) => _tracked.Values.Where(t => t.Ticket.SessionId == session).ToArray();

    /// <summary>Every ticket, as of now.</summary>
    public TrackedTicket[] All() => _tracked.Values.ToArray();

    public void Clear() => _tracked.Clear();
}
