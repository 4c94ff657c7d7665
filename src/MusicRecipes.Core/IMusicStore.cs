namespace MusicRecipes;

/// <summary>
/// The MUSIC contract: a replicated key-value store whose keys can be protected by locks.
/// Exactly the seven operations of the MUSIC talk (docs/design.md §2).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="GetAsync"/> and <see cref="PutAsync"/> are cheap eventual operations at the local site. Use
/// <see cref="PutAsync"/> only for keys that are never written in a critical section: an eventual write
/// always loses to any critical write.
/// </para>
/// <para>
/// A critical section is one ticket: create it, acquire it, read and write the locked keys, release it.
/// Inside the section every read sees the latest value of the locked keys (entry consistency).
/// </para>
/// <example>
/// <code>
/// var lockRef = await store.CreateLockRefAsync(new[] { "counter" }, ct);
/// while (!await store.AcquireLockAsync(lockRef, ct)) { await Task.Delay(10, ct); } // or client.WaitForLockAsync
/// try
/// {
///     var current = await store.CriticalGetAsync(lockRef, "counter", ct);
///     await store.CriticalPutAsync(lockRef, "counter", Increment(current), ct);
/// }
/// finally { await store.ReleaseLockAsync(lockRef, ct); }
/// </code>
/// </example>
/// </remarks>
public interface IMusicStore
{
    /// <summary>Eventual read at one replica (the local site). Returns <c>null</c> when the key has no value.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Eventual write at one replica (the local site), replicated to the other sites asynchronously.</summary>
    Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enqueues a ticket on every key of <paramref name="keys"/> atomically (rule 4 of docs/design.md).
    /// The ticket is good for one critical section.
    /// </summary>
    /// <exception cref="ArgumentException">The key set is empty or a key is invalid.</exception>
    Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Non-blocking: returns <c>true</c> only when the ticket is at the head of every key's queue. Before it
    /// returns <c>true</c> the keys are synchronised if the previous holder did not release cleanly, so that a
    /// critical read sees the latest value (rule 3 of docs/design.md). Calling it again after success returns <c>true</c>.
    /// </summary>
    /// <exception cref="LockLostException">The ticket was removed (session expired, forced release).</exception>
    Task<bool> AcquireLockAsync(LockRef lockRef, CancellationToken cancellationToken = default);

    /// <summary>Reads a majority of replicas; the newest write wins. Requires the lock on <paramref name="key"/>.</summary>
    /// <exception cref="LockNotHeldException">The ticket does not hold <paramref name="key"/>.</exception>
    Task<byte[]?> CriticalGetAsync(LockRef lockRef, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a majority of replicas with the ticket's fencing timestamp (rule 2 of docs/design.md), so no earlier
    /// holder's write can overtake it. Requires the lock on <paramref name="key"/>.
    /// </summary>
    /// <exception cref="LockNotHeldException">The ticket does not hold <paramref name="key"/>.</exception>
    Task CriticalPutAsync(LockRef lockRef, string key, byte[] value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leaves every queue of the ticket. A clean release (every critical put acknowledged) lets the next holder
    /// skip the sync step. Releasing a released ticket does nothing.
    /// </summary>
    /// <remarks>
    /// A release is guaranteed: when the lock service cannot confirm it (unreachable, electing a leader, timed out,
    /// or <paramref name="cancellationToken"/> cancelled), this throws so the caller knows the keys may still be
    /// taken, and the client keeps removing the ticket in the background until the service confirms it, the session
    /// ends, or the client is disposed. Calling it again is allowed and idempotent.
    /// </remarks>
    /// <exception cref="MusicUnavailableException">The lock service could not confirm the release; it is retried in the background.</exception>
    /// <exception cref="TimeoutException">The lock service did not answer in time; the release is retried in the background.</exception>
    Task ReleaseLockAsync(LockRef lockRef, CancellationToken cancellationToken = default);
}
