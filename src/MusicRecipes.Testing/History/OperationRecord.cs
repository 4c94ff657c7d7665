namespace MusicRecipes.Testing.History;

/// <summary>
/// One client operation of a recorded run: what was invoked, when it was invoked and completed (Stopwatch
/// timestamps), and what came of it.
/// </summary>
public sealed record OperationRecord
{
    /// <summary>The kind of operation, e.g. "critical-get" or "queue-claim" (see <see cref="OperationKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>Which client ran it.</summary>
    public required string Client { get; init; }

    /// <summary>The key or item it concerned, if any.</summary>
    public string? Key { get; init; }

    /// <summary>When the call was made.</summary>
    public required long InvokedAt { get; init; }

    /// <summary>When the call returned or threw.</summary>
    public required long CompletedAt { get; init; }

    /// <summary>What came of it.</summary>
    public required OperationOutcome Outcome { get; init; }

    /// <summary>The value read or written, for counter operations.</summary>
    public long? Value { get; init; }

    /// <summary>The fencing token (ticket ordinal) the operation ran under, if any.</summary>
    public long? Ordinal { get; init; }

    /// <summary>Why it was not acknowledged (an exception type and message), for the report.</summary>
    public string? Error { get; init; }
}
