namespace MusicRecipes;

/// <summary>
/// Names the one question callers ask of a MUSIC error: did coordination fail (a store unreachable or too slow, a lock
/// not acquired in time, a hold lost) — so the caller may back off and try again — or is it a bug or bad input?
/// </summary>
/// <example>
/// <code>
/// try { await election.WaitForLeadershipAsync(ct); }
/// catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex)) { await Task.Delay(backoff, ct); }
/// </code>
/// </example>
public static class MusicErrors
{
    /// <summary>
    /// True for <see cref="MusicException"/> (including <see cref="LockLostException"/>,
    /// <see cref="MusicUnavailableException"/>, <see cref="MusicTimeoutException"/>) and for <see cref="TimeoutException"/>
    /// (including <see cref="LockTimeoutException"/>): the distributed system did not do it now; state is consistent and
    /// retrying later is allowed. False for argument errors, <see cref="LockNotHeldException"/> (a critical operation
    /// outside its section is a bug), cancellation and disposal.
    /// </summary>
    public static bool IsCoordinationFailure(Exception exception) => exception is MusicException or TimeoutException;
}
