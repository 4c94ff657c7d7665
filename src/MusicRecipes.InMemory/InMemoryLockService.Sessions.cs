using MusicRecipes.Locking;

namespace MusicRecipes.InMemory;

// Sessions of the in-memory lock service: expiry (a session that sent no heartbeat for the timeout, or one expired on
// purpose), the removal of its tickets, and telling their owners.
internal sealed partial class InMemoryLockService : IDisposable
{
    public LockTicket[] TicketsOf(LockSession session)
    {
        lock (_gate)
        {
            return session.Tickets.Values.ToArray();
        }
    }

    public bool IsExpired(LockSession session)
    {
        lock (_gate)
        {
            return session.Expired;
        }
    }

    /// <summary>Expires a session now: its tickets leave every queue and are signalled lost.</summary>
    public void Expire(LockSession session)
    {
        lock (_gate)
        {
            if (session.Expired)
            {
                return;
            }

            session.Expired = true;
            _sessions.Remove(session.Id);
            foreach (var ticket in session.Tickets.Values.ToArray())
            {
                RemoveTicket(ticket);
                session.NotifyOwner(ticket, LockLossReason.SessionExpired);
            }
        }
    }

    private void ExpireSilentSessions()
    {
        lock (_gate)
        {
            foreach (var session in _sessions.Values.ToArray())
            {
                if (_options.TimeProvider.GetElapsedTime(session.LastHeartbeat) > _options.SessionTimeout)
                {
                    Expire(session);
                }
            }
        }
    }

    private void RemoveTicket(LockTicket ticket)
    {
        foreach (var position in ticket.Positions)
        {
            var entries = QueueOf(position.Key).Entries;
            if (entries.TryGetValue(position.Ordinal, out var slot) && slot.Ticket == ticket)
            {
                entries.Remove(position.Ordinal);
                foreach (var watcher in slot.Watchers)
                {
                    watcher.TrySetResult();
                }
            }
        }

        if (_sessions.TryGetValue(ticket.SessionId, out var session))
        {
            session.Tickets.Remove(ticket.Id);
        }
    }

    private void NotifyOwner(LockTicket ticket, LockLossReason reason)
    {
        if (_sessions.TryGetValue(ticket.SessionId, out var session))
        {
            session.NotifyOwner(ticket, reason);
        }
    }
}
