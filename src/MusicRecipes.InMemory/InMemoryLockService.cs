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
internal sealed partial class InMemoryLockService : IDisposable
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

    public LockTicket Enqueue(LockSession session, IReadOnlyList<string> keys, TicketMode mode, SessionLease lease)
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

            var ticket = new LockTicket($"{mode.IdPrefix}t{++_nextTicket}-{session.Id}", session.Id, positions, lease);
            foreach (var position in positions)
            {
                var entry = new QueueEntry(ticket.Id, session.Id, position, keys);
                QueueOf(position.Key).Entries.Add(position.Ordinal, new Slot(ticket, entry));
            }

            session.Tickets[ticket.Id] = ticket;
            return ticket;
        }
    }

    /// <summary>
    /// One strong look (rule 1): whether the ticket holds its place in every queue by its hold rule over the modes of the
    /// tickets ahead of it, and when it does, each key's state with its version.
    /// </summary>
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

                if (!ticket.HoldRule.CanHoldBehind(AheadOf(entries, position.Ordinal).Select(s => s.Entry.TicketId).ToArray()))
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

    /// <summary>A task that completes when a ticket the given one waits behind leaves, or at once if none is left.</summary>
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

                // Watch only the tickets whose departure can let this one hold (no herd), and our own entry (a
                // forced removal).
                var ahead = AheadOf(entries, position.Ordinal).ToArray();
                var blockers = ticket.HoldRule.BlockersAmong(ahead.Select(s => s.Entry.TicketId).ToArray());
                foreach (var blocker in ahead.Where(s => blockers.Contains(s.Entry.TicketId)))
                {
                    blocker.Watchers.Add(change);
                    watching = true;
                }

                if (blockers.Count > 0)
                {
                    own.Watchers.Add(change);
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

            queue.State = queue.State.AcquiredBy(position.Ordinal, UtcNow);
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

    public void Dispose() => _sweeper.Dispose();

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

    private static IEnumerable<Slot> AheadOf(SortedDictionary<long, Slot> entries, long ordinal) =>
        entries.TakeWhile(e => e.Key < ordinal).Select(e => e.Value);

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
