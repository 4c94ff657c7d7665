namespace MusicRecipes.Testing.History;

/// <summary>
/// One hold of a key as its holder saw it, for <see cref="LossTimingChecker"/>: when it asked for and got the lock,
/// when it looked and saw <c>IsHeld == true</c>, and when it was told the hold was over — by a loss
/// (<c>LockRef.LostAt</c>, or the moment <c>LostToken</c> fired), by its own release, or by its process dying. All
/// times are Stopwatch timestamps (CLOCK_MONOTONIC on Linux, comparable across the processes of one machine).
/// </summary>
public sealed record HoldTimeline
{
    /// <summary>Which client held.</summary>
    public required string Client { get; init; }

    /// <summary>The key held.</summary>
    public required string Key { get; init; }

    /// <summary>The ticket's ordinal for the key (its fencing token): holds of a key succeed each other in this order.</summary>
    public required long Ordinal { get; init; }

    /// <summary>When the acquire (or the wait for the lock) was invoked.</summary>
    public required long AcquireInvokedAt { get; init; }

    /// <summary>When the acquire returned with the lock.</summary>
    public required long AcquireReturnedAt { get; init; }

    /// <summary>Moments the holder read <c>IsHeld == true</c> (each taken just before the read, so never later than it).</summary>
    public IReadOnlyList<long> HeldObservedAt { get; init; } = [];

    /// <summary>From when every look by the holder says "lost" (<c>LockRef.LostAt</c>); <c>null</c> if the hold was never lost.</summary>
    public long? LostAt { get; init; }

    /// <summary>The library's reason for the loss (<c>LockLossReason</c>), if lost.</summary>
    public string? LossReason { get; init; }

    /// <summary>When the holder invoked its release; <c>null</c> if it never did.</summary>
    public long? ReleaseInvokedAt { get; init; }

    /// <summary>When the release returned; <c>null</c> if it never did.</summary>
    public long? ReleaseReturnedAt { get; init; }

    /// <summary>When the holder's process was killed with the hold still open (it could look at nothing after that).</summary>
    public long? HolderDiedAt { get; init; }

    /// <summary>
    /// When the holder was told the hold was over: the earliest of its loss, its release invocation and its death;
    /// <c>null</c> if none happened.
    /// </summary>
    public long? ToldAt => new[] { LostAt, ReleaseInvokedAt, HolderDiedAt }.Min();

    /// <summary>True when the hold ended by a loss the holder was told of before it released (not by its own release or death).</summary>
    public bool EndedByLoss => LostAt is { } lost && lost == ToldAt;
}
