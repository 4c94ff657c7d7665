using MusicRecipes.Locking;

namespace MusicRecipes;

/// <summary>
/// A ticket for ONE critical section over a set of keys, created by <see cref="IMusicStore.CreateLockRefAsync"/>.
/// It belongs to the client that created it; any task may use it (locks are not thread-affine).
/// </summary>
/// <example>
/// <code>
/// var lockRef = await client.CreateLockRefAsync(new[] { "account:7" }, ct);
/// await client.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(10), ct);
/// using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, lockRef.LostToken);
/// await payments.SendAsync(order, fence: lockRef.FencingToken.Value, stop.Token);
/// await client.ReleaseLockAsync(lockRef, ct);
/// </code>
/// </example>
public sealed class LockRef
{
    private const int Waiting = 0;
    private const int Held = 1;
    private const int Released = 2;
    private const int Releasing = 3;

    private readonly TaskCompletionSource _writesDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int[] _synced;
    private readonly long[] _knownWrites;
    private readonly int[] _firstHolder;
    private int _state;
    private readonly object _leaseStartGate = new();
    private long? _leaseStart;
    private int _wasHeld;
    private long _sequence;
    private int _writesInFlight;
    private int _dirty;

    internal LockRef(object owner, LockTicket ticket, IReadOnlyList<string> keys)
    {
        Owner = owner;
        Ticket = ticket;
        Keys = keys;
        _synced = new int[ticket.Positions.Count];
        _knownWrites = new long[ticket.Positions.Count];
        _firstHolder = new int[ticket.Positions.Count];
    }

    /// <summary>The ticket's unique id.</summary>
    public string Id => Ticket.Id;

    /// <summary>The keys the ticket locks, distinct and in ordinal order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The fencing token of the ticket's first key (rule 6 of docs/design.md). See <see cref="FencingTokenFor"/> for the others.</summary>
    public FencingToken FencingToken => new(Ticket.Positions[0].Key, Ticket.Positions[0].Ordinal);

    /// <summary>
    /// Fires when the hold (or the wait) is lost: the lock-service session expired or its client-side lease ran out,
    /// someone forcibly released the ticket, or the hold lease ran out. It does not fire on a normal release.
    /// </summary>
    public CancellationToken LostToken => Ticket.LostToken;

    /// <summary>
    /// True once <see cref="IMusicStore.AcquireLockAsync"/> returned <c>true</c>, until the release begins or the hold
    /// is lost. It reads the session's lease and the hold lease against the clock, so it turns false no later than the
    /// moment any other client could acquire — even in a process that was paused past that moment.
    /// </summary>
    public bool IsHeld => Volatile.Read(ref _state) == Held && Ticket.LossReason is null;

    /// <summary>True once the ticket was released by its owner.</summary>
    public bool IsReleased => Volatile.Read(ref _state) == Released;

    /// <summary>Why the ticket was lost, or <c>null</c> while it is valid.</summary>
    public LockLossReason? LossReason => Ticket.LossReason;

    /// <summary>
    /// When the ticket was lost, by the client's clock: the moment from which <see cref="IsHeld"/> is false and
    /// <see cref="LossReason"/> is set (a lease's deadline, even if nobody looked until later). <c>null</c> while valid.
    /// </summary>
    public DateTimeOffset? LostAt => Ticket.LostAt;

    internal object Owner { get; }

    internal LockTicket Ticket { get; }

    /// <summary>
    /// The hold lease's start: <paramref name="now"/> the first time an acquisition of this ticket reaches its record,
    /// that first time's value ever after (see <c>MusicClient.AcquireLockAsync</c>); for a ticket whose store recorded
    /// at the enqueue, the enqueue's start (<c>MusicClient.CreateLockRefAsync</c>).
    /// </summary>
    internal long LeaseStartOnce(long now)
    {
        lock (_leaseStartGate)
        {
            _leaseStart ??= now;
            return _leaseStart.Value;
        }
    }

    /// <summary>How the ticket shares its keys: exclusive (a mutex or writer), shared (a reader) or one of N permits.</summary>
    public Locking.TicketMode Mode => Ticket.Mode;

    internal bool IsAcquired => Volatile.Read(ref _state) == Held;

    internal bool IsReleasing => Volatile.Read(ref _state) == Releasing;

    /// <summary>True once the ticket acquired, even if it is being released now.</summary>
    internal bool WasAcquired => Volatile.Read(ref _wasHeld) != 0;

    /// <summary>
    /// True when the lock service itself dropped the ticket (its session expired, someone forcibly released it, the
    /// client closed its session), so there is nothing left to release. A lease expiry is not such a loss: the
    /// ticket stays queued until someone evicts it.
    /// </summary>
    public bool IsDroppedByService => Ticket.LossReason is LockLossReason.SessionExpired or LockLossReason.ForciblyReleased or LockLossReason.ClientClosed;

    /// <summary>True when every critical put of the hold was acknowledged and none is in flight: the next holder may skip the sync.</summary>
    internal bool IsClean => Volatile.Read(ref _dirty) == 0 && Volatile.Read(ref _writesInFlight) == 0;

    /// <summary>The fencing token of one of the ticket's keys.</summary>
    /// <exception cref="ArgumentException">The ticket does not lock <paramref name="key"/>.</exception>
    public FencingToken FencingTokenFor(string key) => new(key, Ticket.Positions[IndexOfLocked(key)].Ordinal);

    /// <summary>
    /// True when this ticket's acquisition of <paramref name="key"/> is the first the lock service ever recorded: no
    /// ticket held the key before, so no critical write of it ever happened (rule 3 of docs/design.md: every holder
    /// records its acquisition before its first write, and a record is never undone). A recipe whose key is written
    /// only inside critical sections then knows the key holds no value without reading it. False before the ticket
    /// acquired, for a reader's or a permit's hold, and whenever the acquisition could not tell (a record retried
    /// after its reply was lost).
    /// </summary>
    /// <exception cref="ArgumentException">The ticket does not lock <paramref name="key"/>.</exception>
    /// <example>
    /// <code>
    /// var status = lockRef.IsFirstHolderOf(stateKey)
    ///     ? Status.New                                              // never written: nothing to read
    ///     : Decode(await client.CriticalGetAsync(lockRef, stateKey, ct));
    /// </code>
    /// </example>
    public bool IsFirstHolderOf(string key) => WasAcquired && Volatile.Read(ref _firstHolder[IndexOfLocked(key)]) != 0;

    /// <inheritdoc />
    public override string ToString() => Ticket.ToString();

    internal void MarkHeld()
    {
        if (Interlocked.CompareExchange(ref _state, Held, Waiting) == Waiting)
        {
            Volatile.Write(ref _wasHeld, 1);
        }
    }

    /// <summary>
    /// Starts the release (rule 3 of docs/design.md): from here on no new critical put may start, so the decision
    /// that the hold was clean, taken once the puts in flight are done, cannot be overtaken by a later put.
    /// </summary>
    internal void BeginRelease()
    {
        int state;
        do
        {
            state = Volatile.Read(ref _state);
            if (state is Released or Releasing)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _state, Releasing, state) != state);

        if (Volatile.Read(ref _writesInFlight) == 0)
        {
            _writesDrained.TrySetResult();
        }
    }

    /// <summary>Completes when no critical put is in flight any more (call after <see cref="BeginRelease"/>).</summary>
    internal Task WhenWritesDrainedAsync(CancellationToken cancellationToken) => _writesDrained.Task.WaitAsync(cancellationToken);

    internal bool MarkReleased() => Interlocked.Exchange(ref _state, Released) != Released;

    /// <summary>Whether the sync step (if any) of the ticket's <paramref name="index"/>-th key is done.</summary>
    internal bool IsSynced(int index) => Volatile.Read(ref _synced[index]) != 0;

    internal void MarkSynced(int index) => Volatile.Write(ref _synced[index], 1);

    /// <summary>The acquisition of the <paramref name="index"/>-th key was recorded over a state naming no earlier holder (see <see cref="IsFirstHolderOf"/>).</summary>
    internal void MarkFirstHolder(int index) => Volatile.Write(ref _firstHolder[index], 1);

    /// <summary>The index of <paramref name="key"/> among the ticket's positions; a key the ticket does not lock is the caller's error.</summary>
    private int IndexOfLocked(string key) =>
        IndexOf(key) is >= 0 and var index ? index : throw new ArgumentException($"Ticket {Id} does not lock key '{key}'.", nameof(key));

    /// <summary>The index of <paramref name="key"/> among the ticket's positions, or -1.</summary>
    internal int IndexOf(string key)
    {
        var positions = Ticket.Positions;
        for (var i = 0; i < positions.Count; i++)
        {
            if (string.Equals(positions[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The fencing timestamp of the newest acknowledged write of the <paramref name="index"/>-th key known to this hold
    /// (its own puts and sync write-back, or what the previous clean holder recorded), or <c>null</c> when unknown.
    /// </summary>
    internal long? KnownWrite(int index) => Volatile.Read(ref _knownWrites[index]) is > 0 and var known ? known : null;

    /// <summary>Notes an acknowledged write (or a recorded one) of the key: the newest wins.</summary>
    internal void NoteWrite(int index, long timestamp)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref _knownWrites[index]);
            if (seen >= timestamp)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _knownWrites[index], timestamp, seen) != seen);
    }

    /// <summary>A write of the key failed: it may sit on a minority, so nothing is known about the key until the next acknowledged write.</summary>
    internal void ForgetWrite(int index) => Volatile.Write(ref _knownWrites[index], 0);

    /// <summary>What a clean release of this hold tells the lock store.</summary>
    internal CleanRelease ToCleanRelease() => new(Enumerable.Range(0, _knownWrites.Length).Select(KnownWrite).ToArray());

    /// <summary>The next write sequence of this hold, shared by sync write-backs and puts: every write of the hold is later than the one before.</summary>
    internal long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Admits one critical put, or refuses it (<see cref="LockNotHeldException"/>) once the release has begun.</summary>
    internal void BeginWrite()
    {
        Interlocked.Increment(ref _writesInFlight);
        if (Volatile.Read(ref _state) != Held)
        {
            EndWrite(acknowledged: true); // nothing was sent
            throw new LockNotHeldException($"Ticket {this} is being released (or was never acquired); no critical put may start now.");
        }
    }

    internal void EndWrite(bool acknowledged)
    {
        if (!acknowledged)
        {
            // A put that failed or timed out may have reached a minority: the hold is unclean (rule 3).
            Volatile.Write(ref _dirty, 1);
        }

        if (Interlocked.Decrement(ref _writesInFlight) == 0 && Volatile.Read(ref _state) is Releasing or Released)
        {
            _writesDrained.TrySetResult();
        }
    }
}
