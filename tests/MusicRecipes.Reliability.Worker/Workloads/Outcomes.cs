using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Worker.Workloads;

/// <summary>
/// How an operation's exception is classified. Only "certainly nothing written" is a failure: an unavailable
/// replica set (MusicUnavailableException: nothing was tried), a lock not held or lost before the call was sent.
/// Everything else a write can end with — a timeout, a connection dropped after sending, an unexpected error — may
/// have reached some replicas (rule 3 of docs/design.md calls that a partial write) and is indeterminate.
/// </summary>
internal static class Outcomes
{
    /// <summary>The outcome of a write that threw <paramref name="error"/>.</summary>
    public static OperationOutcome OfFailedWrite(Exception error) => error switch
    {
        MusicUnavailableException => OperationOutcome.Failed,
        LockLostException { WriteMayHaveApplied: true } => OperationOutcome.Indeterminate, // lost while in flight
        LockLostException or LockNotHeldException => OperationOutcome.Failed,
        _ => OperationOutcome.Indeterminate,
    };

    /// <summary>The outcome of a write that returned: acknowledged only if the hold and the session were whole throughout.</summary>
    public static OperationOutcome OfReturnedWrite(bool holdValid) => holdValid ? OperationOutcome.Acknowledged : OperationOutcome.Indeterminate;

    /// <summary>A read changes nothing: a read that threw simply failed.</summary>
    public static OperationOutcome OfFailedRead() => OperationOutcome.Failed;

    /// <summary>Exceptions the workloads expect under faults (anything else is a bug in the code under test and ends the run).</summary>
    public static bool IsExpected(Exception error) =>
        error is MusicException or TimeoutException or OperationCanceledException or ObjectDisposedException;

    public static string Describe(Exception error) => $"{error.GetType().Name}: {error.Message.Split('\n')[0]}";
}
