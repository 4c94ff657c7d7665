using MusicRecipes.Locking;

namespace MusicRecipes;

/// <summary>
/// A MUSIC client located at one site: the seven <see cref="IMusicStore"/> operations plus what a program
/// needs around them — an event-driven wait for a ticket, forced release of a dead or over-lease holder,
/// and the state of its lock-service session.
/// </summary>
/// <example>
/// <code>
/// await using var cluster = new InMemoryMusicCluster(sites: 3);
/// await using var client = cluster.CreateClient(site: 0);
/// var lockRef = await client.CreateLockRefAsync(new[] { "job-42" }, ct);
/// await client.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(5), ct);
/// await client.CriticalPutAsync(lockRef, "job-42", "claimed"u8.ToArray(), ct);
/// await client.ReleaseLockAsync(lockRef, ct);
/// </code>
/// </example>
public interface IMusicClient : IMusicStore, IAsyncDisposable
{
    /// <summary>The site (data centre) this client is located at; eventual operations use its replica.</summary>
    string Site { get; }

    /// <summary>The state of this client's session with the lock service.</summary>
    LockSessionState SessionState { get; }

    /// <summary>
    /// Creates a ticket that shares its keys as <paramref name="mode"/> says (<see cref="IMusicStore.CreateLockRefAsync"/>
    /// makes an exclusive one): <see cref="TicketMode.Shared"/> for a reader, which holds together with other readers and
    /// may only read (critical gets); <see cref="TicketMode.Permits"/> for one of N permits of a semaphore, which locks no
    /// data (no critical operations). A writer queued between readers holds back the readers behind it.
    /// </summary>
    /// <example>
    /// <code>
    /// var reader = await client.CreateLockRefAsync(["catalog"], TicketMode.Shared, ct);
    /// await client.WaitForLockAsync(reader, TimeSpan.FromSeconds(5), ct);
    /// var catalog = await client.CriticalGetAsync(reader, "catalog", ct); // the latest value, as for a writer
    /// await client.ReleaseLockAsync(reader, ct);
    /// </code>
    /// </example>
    Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, TicketMode mode, CancellationToken cancellationToken = default);

    /// <summary>
    /// Raised after <see cref="SessionState"/> changed (Connected, Suspended, Reconnected, Lost, Closed), so holders react
    /// to the session instead of polling it. Handlers run one at a time, in order, on the thread pool; changes that follow
    /// each other quickly may arrive as one, and the last event always carries the current state. A held lock's own loss
    /// is <see cref="LockRef.LostToken"/>, which fires no later than anyone else can acquire (rule 6 of docs/design.md);
    /// a Suspended session is the early warning that it may.
    /// </summary>
    /// <example>
    /// <code>
    /// client.SessionStateChanged += (_, e) =>
    /// {
    ///     if (e.State == LockSessionState.Suspended) { pauseWorkThatMustNotRunTwice(); }
    /// };
    /// </code>
    /// </example>
    event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged;

    /// <summary>
    /// Waits until <paramref name="lockRef"/> is acquired. Waiting is event-driven: the wait wakes when a
    /// predecessor leaves a queue (rule 5 of docs/design.md). A holder whose lease (see
    /// <see cref="MusicClientOptions.HoldLease"/>) ran out is forcibly released on the way.
    /// </summary>
    /// <exception cref="LockTimeoutException">Not acquired within <paramref name="timeout"/>; the ticket stays queued. The exception names the ticket ahead of it.</exception>
    /// <exception cref="LockLostException">The ticket was removed while waiting.</exception>
    Task WaitForLockAsync(LockRef lockRef, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Strongly reads the lock queue of <paramref name="key"/>: the holder (if any) first, then the waiters in the order
    /// they will hold. For display and diagnostics, never for authority (the queue may move on at once).
    /// </summary>
    /// <example>
    /// <code>
    /// foreach (var entry in await client.GetLockQueueAsync("orders/42", ct)) { Console.WriteLine(entry); }
    /// </code>
    /// </example>
    Task<IReadOnlyList<LockQueueEntry>> GetLockQueueAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forcibly removes the current holder of <paramref name="key"/> (for a holder known to be dead). The key is
    /// left unsynced, so the next holder synchronises it before it gets the lock (rule 3 of docs/design.md).
    /// Returns <c>false</c> when nobody holds the key.
    /// </summary>
    Task<bool> ForceReleaseAsync(string key, CancellationToken cancellationToken = default);
}
