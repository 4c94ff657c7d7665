namespace MusicRecipes.Locking;

/// <summary>
/// A lock-store ticket: one entry in each of its keys' queues, owned by one lock-service session.
/// Created by an <see cref="ILockStore"/>; wrapped for programs by <see cref="LockRef"/>.
/// </summary>
public sealed class LockTicket
{
    private readonly CancellationTokenSource _lost = new();
    private int _lossReason = -1;

    /// <summary>Creates a ticket (lock-store implementations only).</summary>
    /// <param name="id">Unique id of the ticket (also protects a sequential create against an ambiguous connection loss).</param>
    /// <param name="sessionId">The lock-service session that owns it.</param>
    /// <param name="positions">One position per key, in the ticket's key order.</param>
    public LockTicket(string id, string sessionId, IReadOnlyList<TicketPosition> positions)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count == 0)
        {
            throw new ArgumentException("A ticket needs at least one key.", nameof(positions));
        }

        Id = id;
        SessionId = sessionId;
        Positions = positions;
    }

    /// <summary>Unique id of the ticket.</summary>
    public string Id { get; }

    /// <summary>The owning session.</summary>
    public string SessionId { get; }

    /// <summary>The ticket's position in each key's queue.</summary>
    public IReadOnlyList<TicketPosition> Positions { get; }

    /// <summary>Fires when the lock store sees the ticket gone (session expired, forced release).</summary>
    public CancellationToken LostToken => _lost.Token;

    /// <summary>Why the ticket was lost, or <c>null</c> while it is valid.</summary>
    public LockLossReason? LossReason => _lossReason < 0 ? null : (LockLossReason)Volatile.Read(ref _lossReason);

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
    /// Marks the ticket lost (lock-store implementations and the MUSIC client). Idempotent: the first reason
    /// wins. Cancellation callbacks run on the thread pool, never on the caller's (I/O) thread.
    /// </summary>
    public void SignalLost(LockLossReason reason)
    {
        if (Interlocked.CompareExchange(ref _lossReason, (int)reason, -1) != -1)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static source => source.Cancel(), _lost, preferLocal: false);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id}[{string.Join(",", Positions.Select(p => $"{p.Key}#{p.Ordinal}"))}]";
}
