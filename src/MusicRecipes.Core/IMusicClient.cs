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
    /// Waits until <paramref name="lockRef"/> is acquired. Waiting is event-driven: the wait wakes when a
    /// predecessor leaves a queue (rule 5 of docs/design.md). A holder whose lease (see
    /// <see cref="MusicClientOptions.HoldLease"/>) ran out is forcibly released on the way.
    /// </summary>
    /// <exception cref="TimeoutException">Not acquired within <paramref name="timeout"/>; the ticket stays queued.</exception>
    /// <exception cref="LockLostException">The ticket was removed while waiting.</exception>
    Task WaitForLockAsync(LockRef lockRef, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forcibly removes the current holder of <paramref name="key"/> (for a holder known to be dead). The key is
    /// left unsynced, so the next holder synchronises it before it gets the lock (rule 3 of docs/design.md).
    /// Returns <c>false</c> when nobody holds the key.
    /// </summary>
    Task<bool> ForceReleaseAsync(string key, CancellationToken cancellationToken = default);
}
