namespace MusicRecipes;

/// <summary>
/// A lock was not acquired in time: thrown by <see cref="IMusicClient.WaitForLockAsync"/> and by every recipe that waits
/// for a lock. It is a <see cref="TimeoutException"/>, so code written for any lock library catches it; it names who
/// held the lock when the wait gave up (<see cref="Holder"/>). Backend timeouts are <see cref="MusicTimeoutException"/>
/// instead: those say a request to the stores did not answer, not that the lock was busy.
/// </summary>
/// <example>
/// <code>
/// try { await client.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(5), ct); }
/// catch (LockTimeoutException ex) { logger.LogWarning("busy: {Holder}", ex.Holder); }
/// </code>
/// </example>
public sealed class LockTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What timed out.</param>
    /// <param name="keys">The keys that were waited for.</param>
    /// <param name="timeout">How long the wait lasted.</param>
    /// <param name="holder">The ticket ahead of the waiter when the wait gave up, if it could be read.</param>
    /// <param name="innerException">A further cause (for example a withdrawal that failed after the timeout).</param>
    public LockTimeoutException(string message, IReadOnlyList<string> keys, TimeSpan timeout, LockQueueEntry? holder, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Keys = keys;
        Timeout = timeout;
        Holder = holder;
    }

    /// <summary>The keys that were waited for.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>How long the wait lasted.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// The ticket ahead of the waiter (its holder when <see cref="LockQueueEntry.IsHolder"/>) when the wait gave up:
    /// ticket, session, site when known, and since when it held. <c>null</c> when the queue could not be read in time.
    /// </summary>
    public LockQueueEntry? Holder { get; }

    /// <summary>The holder as a phrase for messages: "held by ticket … since …", or "holder unknown".</summary>
    public static string Describe(LockQueueEntry? holder) =>
        holder is null ? "holder unknown (the queue could not be read)" : (holder.IsHolder ? "held by " : "behind ") + holder;
}
