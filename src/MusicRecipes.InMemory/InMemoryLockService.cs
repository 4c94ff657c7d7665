using MusicRecipes.Locking;

namespace MusicRecipes.InMemory;

/// <summary>
/// The simulated CP lock service: one linearizable object (every operation under one lock) holding per-key FIFO
/// queues with never-reset ordinals, per-key lock state, and sessions that expire without heartbeats.
/// </summary>
/// <remarks>
/// A ticket enters all its queues under the same lock, so two tickets are ordered the same way in every queue
/// (rule 4 of docs/design.md). Waiters register on their predecessor's entry and are woken when it leaves (rule 5).
/// Expiry and forced removal signal the owner's ticket at once, as a ZooKeeper watch on the owner's node would
/// (rule 6), and record nothing, so the keys stay unsynced (rule 3).
/// </remarks>
internal sealed class InMemoryLockService : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, KeyQueue> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LockSession> _sessions = new(StringComparer.Ordinal);
    private readonly InMemoryClusterOptions _options;
    private readonly ITimer _sweeper;
    private long _nextSession;
    private long _nextTicket;

    public InMemoryLockService(InMemoryClusterOptions options)
    {
        _options = options;
        var period = options.SessionTimeout / 4;
        _sweeper = options.TimeProvider.CreateTimer(_ => ExpireSilentSessions(), null, period, period);
    }

    public DateTimeOffset UtcNow => _options.TimeProvider.GetUtcNow();

    public LockSession OpenSession(int site, Action<LockTicket, LockLossReason> notifyOwner)
    {
        lock (_gate)
        {
            var session = new LockSession($"s{++_nextSession}", site, _options.TimeProvider.GetTimestamp(), notifyOwner);
            _sessions[session.Id] = session;
            return session;
        }
    }

    /// <summary>Returns false when the session has expired.</summary>
    public bool Heartbeat(LockSession session)
    {
        lock (_gate)
        {
            if (session.Expired)
            {
                return false;
            }

            session.LastHeartbeat = _options.TimeProvider.GetTimestamp();
            return true;
        }
    }

    public LockTicket Enqueue(LockSession session, IReadOnlyList<string> keys, SessionLease lease)
    {
        lock (_gate)
        {
            ThrowIfExpired(session);
            var positions = new TicketPosition[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                var queue = QueueOf(keys[i]);
                if (queue.LastOrdinal >= FencingTimestamp.MaxOrdinal)
                {
                    throw new MusicException($"Key '{keys[i]}' has used every ordinal ({FencingTimestamp.MaxOrdinal}).");
                }

                positions[i] = new TicketPosition(keys[i], ++queue.LastOrdinal);
            }

            var ticket = new LockTicket($"t{++_nextTicket}-{session.Id}", session.Id, positions, lease);
            foreach (var position in positions)
            {
                var entry = new QueueEntry(ticket.Id, session.Id, position, keys);
                QueueOf(position.Key).Entries.Add(position.Ordinal, new Slot(ticket, entry));
            }

            session.Tickets[ticket.Id] = ticket;
            return ticket;
        }
    }

    /// <summary>One strong look (rule 1): head or not, and when head, each key's state with its version.</summary>
    public HeadCheck CheckHead(LockTicket ticket)
    {
        lock (_gate)
        {
            var status = HeadStatus.Head;
            foreach (var position in ticket.Positions)
            {
                var entries = QueueOf(position.Key).Entries;
                if (!entries.ContainsKey(position.Ordinal))
                {
                    return HeadCheck.Gone;
                }

                if (entries.Keys.First() != position.Ordinal)
                {
                    status = HeadStatus.Waiting;
                }
            }

            if (status == HeadStatus.Waiting)
            {
                return HeadCheck.Waiting;
            }

            return new HeadCheck(HeadStatus.Head, ticket.Positions.Select(p => QueueOf(p.Key).VersionedState).ToArray());
        }
    }

    /// <summary>A task that completes when a predecessor of the ticket leaves, or at once if none is left.</summary>
    public Task WaitForChange(LockTicket ticket)
    {
        lock (_gate)
        {
            var change = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watching = false;
            foreach (var position in ticket.Positions)
            {
                var entries = QueueOf(position.Key).Entries;
                if (!entries.TryGetValue(position.Ordinal, out var own))
                {
                    return Task.CompletedTask;
                }

                // Watch only the immediate predecessor (no herd effect), and our own entry (a forced removal).
                var predecessor = entries.Where(e => e.Key < position.Ordinal).Select(e => e.Value).LastOrDefault();
                if (predecessor is not null)
                {
                    predecessor.Watchers.Add(change);
                    own.Watchers.Add(change);
                    watching = true;
                }
            }

            return watching ? change.Task : Task.CompletedTask;
        }
    }

    public VersionedKeyState GetState(string key)
    {
        lock (_gate)
        {
            return QueueOf(key).VersionedState;
        }
    }

    /// <summary>
    /// Records an acquisition in one step, only while the ticket is still queued on the key and only over the state
    /// version the caller read (rule 6: a ticket removed while its owner was paused never records).
    /// </summary>
    public RecordResult TryRecordAcquired(LockTicket ticket, TicketPosition position, VersionedKeyState expected)
    {
        lock (_gate)
        {
            var queue = QueueOf(position.Key);
            if (!queue.Entries.TryGetValue(position.Ordinal, out var slot) || slot.Ticket != ticket)
            {
                return RecordResult.TicketGone;
            }

            if (queue.Version != expected.Version)
            {
                return RecordResult.StateChanged;
            }

            queue.State = queue.State with { LastAcquired = position.Ordinal, LastAcquiredAt = UtcNow };
            return RecordResult.Recorded;
        }
    }

    /// <summary>Clean release and leaving the queues in one step: the records only where the ticket last acquired (rule 3).</summary>
    public void Release(LockTicket ticket, CleanRelease? clean)
    {
        lock (_gate)
        {
            if (clean is not null)
            {
                for (var i = 0; i < ticket.Positions.Count; i++)
                {
                    var position = ticket.Positions[i];
                    var queue = QueueOf(position.Key);
                    if (queue.Entries.TryGetValue(position.Ordinal, out var slot) && slot.Ticket == ticket)
                    {
                        RecordCleanReleaseLocked(queue, position.Ordinal, clean.LastWriteAt(i));
                    }
                }
            }

            RemoveTicket(ticket);
        }
    }

    public IReadOnlyList<QueueEntry> ReadQueue(string key)
    {
        lock (_gate)
        {
            return QueueOf(key).Entries.Values.Select(slot => slot.Entry).ToArray();
        }
    }

    public bool ForceRemove(QueueEntry entry)
    {
        lock (_gate)
        {
            if (!QueueOf(entry.Position.Key).Entries.TryGetValue(entry.Position.Ordinal, out var slot) || slot.Entry.TicketId != entry.TicketId)
            {
                return false;
            }

            RemoveTicket(slot.Ticket);
            NotifyOwner(slot.Ticket, LockLossReason.ForciblyReleased);
            return true;
        }
    }

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

    public void Dispose() => _sweeper.Dispose();

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

    private static void RecordCleanReleaseLocked(KeyQueue queue, long ordinal, long? lastWrite)
    {
        if (queue.State.LastAcquired == ordinal)
        {
            queue.State = queue.State with { LastCleanRelease = ordinal, LastWrite = lastWrite };
        }
    }

    private void ThrowIfExpired(LockSession session)
    {
        if (session.Expired)
        {
            throw new SessionExpiredException(session.Id);
        }
    }

    private KeyQueue QueueOf(string key)
    {
        if (!_queues.TryGetValue(key, out var queue))
        {
            queue = new KeyQueue();
            _queues[key] = queue;
        }

        return queue;
    }

    private sealed class KeyQueue
    {
        private KeyLockState _state = KeyLockState.Empty;

        public long LastOrdinal { get; set; }

        public SortedDictionary<long, Slot> Entries { get; } = new();

        /// <summary>The key's lock state; every change bumps <see cref="Version"/>.</summary>
        public KeyLockState State
        {
            get => _state;
            set
            {
                _state = value;
                Version++;
            }
        }

        public long Version { get; private set; }

        public VersionedKeyState VersionedState => new(_state, Version);
    }

    private sealed record Slot(LockTicket Ticket, QueueEntry Entry)
    {
        public List<TaskCompletionSource> Watchers { get; } = new();
    }
}
