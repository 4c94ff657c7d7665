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

    private int _state;
    private long _sequence;
    private int _writesInFlight;
    private int _dirty;

    internal LockRef(object owner, LockTicket ticket, IReadOnlyList<string> keys)
    {
        Owner = owner;
        Ticket = ticket;
        Keys = keys;
    }

    /// <summary>The ticket's unique id.</summary>
    public string Id => Ticket.Id;

    /// <summary>The keys the ticket locks, distinct and in ordinal order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The fencing token of the ticket's first key (DESIGN.md §2 rule 6). See <see cref="FencingTokenFor"/> for the others.</summary>
    public FencingToken FencingToken => new(Ticket.Positions[0].Key, Ticket.Positions[0].Ordinal);

    /// <summary>
    /// Fires when the hold (or the wait) is lost: the lock-service session expired, someone forcibly released the
    /// ticket, or its lease ran out. It does not fire on a normal release.
    /// </summary>
    public CancellationToken LostToken => Ticket.LostToken;

    /// <summary>True once <see cref="IMusicStore.AcquireLockAsync"/> returned <c>true</c>, until release or loss.</summary>
    public bool IsHeld => Volatile.Read(ref _state) == Held && Ticket.LossReason is null;

    /// <summary>True once the ticket was released by its owner.</summary>
    public bool IsReleased => Volatile.Read(ref _state) == Released;

    /// <summary>Why the ticket was lost, or <c>null</c> while it is valid.</summary>
    public LockLossReason? LossReason => Ticket.LossReason;

    internal object Owner { get; }

    internal LockTicket Ticket { get; }

    internal bool IsAcquired => Volatile.Read(ref _state) == Held;

    /// <summary>True when every critical put of the hold was acknowledged and none is in flight: the next holder may skip the sync.</summary>
    /// <summary>
    /// True when the lock service itself dropped the ticket (its session expired, someone forcibly released it, the
    /// client closed its session), so there is nothing left to release. A lease expiry is not such a loss: the
    /// ticket stays queued until someone evicts it.
    /// </summary>
    internal bool IsDroppedByService => Ticket.LossReason is LockLossReason.SessionExpired or LockLossReason.ForciblyReleased or LockLossReason.ClientClosed;

    internal bool IsClean => Volatile.Read(ref _dirty) == 0 && Volatile.Read(ref _writesInFlight) == 0;

    /// <summary>The fencing token of one of the ticket's keys.</summary>
    /// <exception cref="ArgumentException">The ticket does not lock <paramref name="key"/>.</exception>
    public FencingToken FencingTokenFor(string key) =>
        new(key, Ticket.OrdinalOf(key) ?? throw new ArgumentException($"Ticket {Id} does not lock key '{key}'.", nameof(key)));

    /// <inheritdoc />
    public override string ToString() => Ticket.ToString();

    internal void MarkHeld() => Interlocked.CompareExchange(ref _state, Held, Waiting);

    internal bool MarkReleased() => Interlocked.Exchange(ref _state, Released) != Released;

    /// <summary>The next write sequence of this hold; 0 is reserved for the sync write-back.</summary>
    internal long NextSequence() => Interlocked.Increment(ref _sequence);

    internal void BeginWrite() => Interlocked.Increment(ref _writesInFlight);

    internal void EndWrite(bool acknowledged)
    {
        if (!acknowledged)
        {
            // A put that failed or timed out may have reached a minority: the hold is unclean (DESIGN.md §2 rule 3).
            Volatile.Write(ref _dirty, 1);
        }

        Interlocked.Decrement(ref _writesInFlight);
    }
}
