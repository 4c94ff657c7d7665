namespace MusicRecipes.Testing.History;

/// <summary>
/// One recorded critical section: a read-modify-write increment of a counter key, with the times it held the lock
/// (Stopwatch timestamps) and what it read and wrote.
/// </summary>
public sealed record HoldRecord
{
    /// <summary>Which client ran it.</summary>
    public required string Client { get; init; }

    /// <summary>The counter key.</summary>
    public required string Key { get; init; }

    /// <summary>The ticket's ordinal for the key (its fencing token).</summary>
    public required long Ordinal { get; init; }

    /// <summary>When <c>AcquireLockAsync</c> returned true.</summary>
    public required long AcquiredAt { get; init; }

    /// <summary>When the holder began to release (before the release call); <c>null</c> if it never released.</summary>
    public long? ReleaseStartedAt { get; init; }

    /// <summary>True when the release completed and the ticket was never lost: a completed, exclusive hold.</summary>
    public bool CompletedCleanly { get; init; }

    /// <summary>The value the critical read returned.</summary>
    public long? ValueRead { get; init; }

    /// <summary>The value the holder wrote (read + 1).</summary>
    public long? ValueWritten { get; init; }

    /// <summary>What became of the write.</summary>
    public HoldOutcome Outcome { get; init; }
}
