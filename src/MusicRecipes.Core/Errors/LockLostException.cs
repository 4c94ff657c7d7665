using MusicRecipes.Locking;

namespace MusicRecipes;

/// <summary>The ticket is no longer valid: it was released, its session expired, it was forcibly released, or its lease ran out.</summary>
/// <example>
/// <code>
/// try { await client.CriticalPutAsync(lockRef, "k", value, ct); }
/// catch (LockLostException ex) when (ex.WriteMayHaveApplied) { /* outcome unknown, as after a timeout */ }
/// catch (LockLostException) { /* nothing was written */ }
/// </code>
/// </example>
public sealed class LockLostException : MusicException
{
    /// <summary>Creates the exception.</summary>
    public LockLostException(string message, LockLossReason? reason)
        : this(message, reason, writeMayHaveApplied: false)
    {
    }

    /// <summary>Creates the exception, saying whether the write that failed with it may have taken effect.</summary>
    public LockLostException(string message, LockLossReason? reason, bool writeMayHaveApplied)
        : base(message)
    {
        Reason = reason;
        WriteMayHaveApplied = writeMayHaveApplied;
    }

    /// <summary>Why the ticket was lost; <c>null</c> when it was released by its owner.</summary>
    public LockLossReason? Reason { get; }

    /// <summary>
    /// True when a critical put failed with this exception after its write had been sent: the hold ended while the write
    /// was in flight, so the write may or may not have taken effect — its outcome is unknown, as after a timeout — and a
    /// later holder's sync may have overridden it (rule 6 of docs/design.md). False when nothing was written.
    /// </summary>
    public bool WriteMayHaveApplied { get; }
}
