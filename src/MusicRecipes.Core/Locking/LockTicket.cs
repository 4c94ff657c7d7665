namespace MusicRecipes.Locking;

/// <summary>
/// A lock-store ticket: one entry in each of its keys' queues, owned by one lock-service session.
/// Created by an <see cref="ILockStore"/>; wrapped for programs by <see cref="LockRef"/>.
/// </summary>
/// <remarks>
/// A ticket is lost when someone signals it (<see cref="SignalLost"/>: the session expired, someone removed it) or when
/// one of its deadlines passes: its session's <see cref="SessionLease"/>, or the hold lease the client set. Deadlines are
/// checked against the clock whenever <see cref="LossReason"/> is read, so a holder that was paused past a deadline
/// reads "lost" the moment it runs again, before any timer had the chance to fire (rule 6 of docs/design.md).
/// </remarks>
public sealed class LockTicket
{
    private readonly CancellationTokenSource _lost = new();
    private readonly SessionLease? _lease;
    private int _lossReason = -1;
    private int _holdsAlone;
    private int _recordedAtEnqueue;
    private long _lostAtTicks;
    private long _holdDeadline = long.MaxValue;
    private TimeProvider _holdClock = TimeProvider.System;

    /// <summary>Creates a ticket (lock-store implementations only).</summary>
    /// <param name="id">Unique id of the ticket (also protects a sequential create against an ambiguous connection loss).</param>
    /// <param name="sessionId">The lock-service session that owns it.</param>
    /// <param name="positions">One position per key, in the ticket's key order.</param>
    /// <param name="lease">The client-side lease of the owning session; the ticket is lost once it expires.</param>
    public LockTicket(string id, string sessionId, IReadOnlyList<TicketPosition> positions, SessionLease? lease = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count == 0)
        {
            throw new ArgumentException("A ticket needs at least one key.", nameof(positions));
        }

        Id = id;
        Mode = TicketMode.OfTicket(id);
        SessionId = sessionId;
        Positions = positions;
        _lease = lease;
        if (lease is not null)
        {
            lease.ExpiredToken.Register(static state => ((LockTicket)state!).CheckDeadlines(), this);
        }
    }

    /// <summary>Unique id of the ticket.</summary>
    public string Id { get; }

    /// <summary>The owning session.</summary>
    public string SessionId { get; }

    /// <summary>The ticket's position in each key's queue.</summary>
    public IReadOnlyList<TicketPosition> Positions { get; }

    /// <summary>How the ticket shares its keys (carried in its <see cref="Id"/>; see <see cref="TicketMode.IdPrefix"/>).</summary>
    public TicketMode Mode { get; }

    /// <summary>
    /// The rule the ticket's own head checks and waits judge it by: its <see cref="Mode"/>, or exclusive while a reader
    /// has to sync its keys first (rule 3: one holder syncs, alone). Other tickets always judge it by its mode.
    /// </summary>
    public TicketMode HoldRule => Volatile.Read(ref _holdsAlone) != 0 ? TicketMode.Exclusive : Mode;

    /// <summary>The client-side lease of the owning session, if the store keeps one.</summary>
    public SessionLease? Lease => _lease;

    /// <summary>Fires when the ticket is lost (session expired or its lease ran out, forced release, hold lease over).</summary>
    public CancellationToken LostToken => _lost.Token;

    /// <summary>Why the ticket was lost, or <c>null</c> while it is valid. Reading it checks the ticket's deadlines.</summary>
    public LockLossReason? LossReason
    {
        get
        {
            if (Volatile.Read(ref _lossReason) < 0)
            {
                CheckDeadlines();
            }

            var reason = Volatile.Read(ref _lossReason);
            return reason < 0 ? null : (LockLossReason)reason;
        }
    }

    /// <summary>When the ticket was lost: the moment from which <see cref="LossReason"/> reads non-null; <c>null</c> while valid.</summary>
    public DateTimeOffset? LostAt => LossReason is null ? null : new DateTimeOffset(Interlocked.Read(ref _lostAtTicks), TimeSpan.Zero);

    /// <summary>The ordinal of <paramref name="key"/>, or <c>null</c> when the ticket does not cover it.</summary>
    public long? OrdinalOf(string key)
    {
        foreach (var position in Positions)
        {
            if (string.Equals(position.Key, key, StringComparison.Ordinal))
            {
                return position.Ordinal;
            }
        }

        return null;
    }

    /// <summary>
    /// Marks the ticket lost (the lock stores of this repository and the MUSIC client; internal so that no caller of
    /// the public API can declare someone else's hold lost). Idempotent: the first reason wins — and a deadline that
    /// passed before this call counts first. Cancellation callbacks run on the thread pool, never on the caller's (I/O)
    /// thread.
    /// </summary>
    internal void SignalLost(LockLossReason reason)
    {
        CheckDeadlines();
        RecordLoss(reason, TimeProvider.System.GetUtcNow());
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id}[{string.Join(",", Positions.Select(p => $"{p.Key}#{p.Ordinal}"))}]";

    /// <summary>From now on the ticket waits until it is first in every queue (a reader that must sync).</summary>
    internal void HoldAlone() => Volatile.Write(ref _holdsAlone, 1);

    /// <summary>
    /// True when the lock store may have recorded the ticket's acquisition while enqueuing it (the ZooKeeper store's
    /// short path on free keys). The client then starts the hold lease at the enqueue, before that record, so the
    /// holder's deadline is never later than the one others compute from the recorded time (rule 6).
    /// </summary>
    internal bool RecordedAtEnqueue => Volatile.Read(ref _recordedAtEnqueue) != 0;

    /// <summary>Set by a lock store before it sends an enqueue that records the acquisition (see <see cref="RecordedAtEnqueue"/>).</summary>
    internal void MarkRecordedAtEnqueue() => Volatile.Write(ref _recordedAtEnqueue, 1);

    /// <summary>Sets the hold lease: the ticket is lost at <paramref name="deadline"/> (a timestamp of <paramref name="clock"/>).</summary>
    internal void LimitHold(long deadline, TimeProvider clock)
    {
        _holdClock = clock;
        Interlocked.Exchange(ref _holdDeadline, deadline);
        CheckDeadlines();
    }

    /// <summary>Signals the loss a passed deadline means, dated at that deadline.</summary>
    internal void CheckDeadlines()
    {
        if (Volatile.Read(ref _lossReason) >= 0)
        {
            return;
        }

        if (_lease is { IsExpired: true, ExpiredAt: { } leaseEnd })
        {
            RecordLoss(LockLossReason.SessionExpired, leaseEnd);
            return;
        }

        var holdDeadline = Interlocked.Read(ref _holdDeadline);
        if (holdDeadline != long.MaxValue && _holdClock.GetTimestamp() >= holdDeadline)
        {
            RecordLoss(LockLossReason.LeaseExpired, _holdClock.GetUtcNow() - _holdClock.GetElapsedTime(holdDeadline));
        }
    }

    private void RecordLoss(LockLossReason reason, DateTimeOffset at)
    {
        lock (_lost)
        {
            if (_lossReason >= 0)
            {
                return;
            }

            // The time first, then the reason (a volatile write): whoever sees the reason sees its time.
            Interlocked.Exchange(ref _lostAtTicks, at.UtcTicks);
            Volatile.Write(ref _lossReason, (int)reason);
        }

        ThreadPool.UnsafeQueueUserWorkItem(static source => source.Cancel(), _lost, preferLocal: false);
    }
}
