namespace MusicRecipes.Testing.History;

/// <summary>
/// One recorded claim of a work item (Stopwatch timestamps): when the worker asked for work, when it got the claim,
/// how long the claim was known to be valid, and what came of completing it.
/// </summary>
public sealed record WorkClaimRecord
{
    /// <summary>The item's id.</summary>
    public required string Item { get; init; }

    /// <summary>
    /// The payload the worker found in the item, encoded as in <see cref="WorkSubmissionRecord.Payload"/>; <c>null</c>
    /// when not recorded (the claim then witnesses nothing about payloads).
    /// </summary>
    public string? Payload { get; init; }

    /// <summary>The worker that claimed it.</summary>
    public required string Worker { get; init; }

    /// <summary>The claim's fencing token (its ticket ordinal on the item's state key).</summary>
    public required long Fencing { get; init; }

    /// <summary>When the worker started the discovery round that produced the claim (before any read of the item).</summary>
    public required long InvokedAt { get; init; }

    /// <summary>When the claim was returned to the worker (the item's lock was held by then).</summary>
    public required long ClaimedAt { get; init; }

    /// <summary>
    /// Until when the claim is known to have been exclusively held: the moment the worker began to complete (or give
    /// back) the item, when the claim was still valid afterwards; <c>null</c> when its validity is uncertain
    /// (lost, or its session was disrupted).
    /// </summary>
    public long? HeldUntil { get; init; }

    /// <summary>What came of completing the item; <c>null</c> when the worker did not try.</summary>
    public OperationOutcome? Completion { get; init; }

    /// <summary>When the completion returned (meaningful when <see cref="Completion"/> is set).</summary>
    public long? CompletedAt { get; init; }
}
