namespace MusicRecipes.Locking;

/// <summary>
/// The CP half of MUSIC: per-key FIFO queues of tickets in a linearizable lock service (ZooKeeper, Cassandra
/// lightweight transactions, or the in-memory service). One instance is one client's session.
/// </summary>
/// <remarks>
/// Backends implement this; programs use <see cref="IMusicClient"/>. The obligations, from docs/design.md §2:
/// <list type="number">
/// <item><see cref="CheckHeadAsync"/> reads with strong consistency (rule 1), and so do the key states it returns.</item>
/// <item>Ordinals strictly increase per key for the key's whole life (rule 2 builds fencing timestamps on them).</item>
/// <item><see cref="ReleaseAsync"/> only records a clean release for the ticket that last acquired (rule 3); <see cref="TryRecordAcquiredAsync"/> writes only over the state version it was given, and only while the ticket is queued, in one atomic step (rule 6).</item>
/// <item><see cref="EnqueueAsync"/> enters all queues atomically (rule 4).</item>
/// <item><see cref="WaitForChangeAsync"/> is woken by an event where the service has one (rule 5).</item>
/// <item>A ticket whose session expires or that someone else removes gets <see cref="LockTicket.SignalLost"/>, and every
/// ticket carries its session's <see cref="SessionLease"/>, renewed with the send time of each acknowledged request, so a
/// holder reads its loss no later than anyone else can acquire (rule 6).</item>
/// </list>
/// A new session replaces an expired one on the next call; tickets of the old one stay lost.
/// <para>
/// The lock path of one uncontended critical section is three calls after the enqueue: <see cref="CheckHeadAsync"/>
/// (head and key states in one strong look), <see cref="TryRecordAcquiredAsync"/> per key (a compare-and-set on the
/// version that look read, conditional on the ticket) and <see cref="ReleaseAsync"/> (clean release and leaving the
/// queues, atomically where the service allows). <see cref="GetKeyStateAsync"/> is the careful path the client falls
/// back to after a conflict. A store may make the head check and the records inside the enqueue, when that one atomic
/// step can meet their conditions, and answer the calls from it (the ZooKeeper store does, for an exclusive ticket on
/// keys nobody queues for); it then marks the ticket <c>RecordedAtEnqueue</c> so the client starts the hold lease
/// before the enqueue.
/// </para>
/// </remarks>
public interface ILockStore : IAsyncDisposable
{
    /// <summary>The state of the session (for health checks and holders).</summary>
    LockSessionState SessionState { get; }

    /// <summary>The lock store's clock, used to judge leases; the server's clock where the service has one.</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>
    /// Enters a new ticket into the queue of every key atomically. <paramref name="keys"/> are distinct and sorted. The
    /// ticket's id starts with <paramref name="mode"/>'s <see cref="TicketMode.IdPrefix"/>.
    /// </summary>
    Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, TicketMode mode, CancellationToken cancellationToken);

    /// <summary>
    /// Strongly reads whether the ticket holds its place in all its queues (rule 1) — by its <see cref="LockTicket.HoldRule"/>
    /// over the modes of the tickets ahead of it (<see cref="TicketMode.CanHoldBehind"/>) — and, when it does, the state of
    /// each of its keys, read after the head was seen (<see cref="HeadCheck.KeyStates"/>; a store may leave them out).
    /// </summary>
    Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when any queue of the ticket may have changed (a ticket it waits behind left: see
    /// <see cref="TicketMode.BlockersAmong"/>), or when the ticket is lost.
    /// It completes at once when the ticket is already first in every queue or a predecessor is already gone, so a
    /// change between the caller's <see cref="CheckHeadAsync"/> and this call is never missed. Callers re-check
    /// with <see cref="CheckHeadAsync"/>; a spurious wake-up is allowed.
    /// </summary>
    Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken);

    /// <summary>Strongly reads what the lock store remembers of <paramref name="key"/>, with the store's version of it.</summary>
    Task<VersionedKeyState> GetKeyStateAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="ticket"/> acquired the key of <paramref name="position"/>, in ONE atomic step that is
    /// conditional on both the ticket still being queued on that key and the key's state still being
    /// <paramref name="expected"/> (as read by <see cref="CheckHeadAsync"/> or <see cref="GetKeyStateAsync"/> of this
    /// store). A ticket removed while its owner was paused can therefore never record (rule 6), and a recorded ordinal
    /// never moves backwards: a queued ticket's ordinal is above every ordinal recorded before it. Writes nothing unless
    /// it returns <see cref="RecordResult.Recorded"/>.
    /// </summary>
    Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a hold, or withdraws a waiting ticket: removes this session's own ticket from all its queues. With
    /// <paramref name="clean"/> it first records, for each key whose last acquisition is this ticket's, a clean release
    /// and the newest acknowledged write (rule 3; a key where that no longer holds stays unsynced) — in the same
    /// atomic step as the removal where the service allows it, else strictly before it. A record that cannot be made
    /// is not an error: unclean is always safe. Removing a ticket already gone (released, forcibly removed, or of an
    /// expired session) does nothing. An exception means the removal is not confirmed (the ticket may still be queued).
    /// </summary>
    Task ReleaseAsync(LockTicket ticket, CleanRelease? clean, CancellationToken cancellationToken);

    /// <summary>Strongly reads the queue of <paramref name="key"/>, first entry first.</summary>
    Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Removes another session's ticket from every one of its queues (forced release). Nothing records a clean
    /// release, so the keys stay unsynced. Returns <c>false</c> when the ticket was already gone.
    /// </summary>
    Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken);
}
