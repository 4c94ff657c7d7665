using MusicRecipes.Locking;

namespace MusicRecipes;

/// <summary>The ticket is no longer valid: it was released, its session expired, it was forcibly released, or its lease ran out.</summary>
public sealed class LockLostException : MusicException
{
    /// <summary>Creates the exception.</summary>
    public LockLostException(string message, LockLossReason? reason)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the ticket was lost; <c>null</c> when it was released by its owner.</summary>
    public LockLossReason? Reason { get; }
}
