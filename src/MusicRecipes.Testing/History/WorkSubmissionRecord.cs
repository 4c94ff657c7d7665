namespace MusicRecipes.Testing.History;

/// <summary>
/// One recorded submission to a work queue: what was submitted, the id the queue gave it (if the submit returned),
/// and what the producer can say about it. <see cref="WorkQueueChecker"/> matches submissions to the work done by
/// <see cref="Payload"/>, not by id, so a queue that gives one id to two submissions cannot hide a lost one.
/// </summary>
public sealed record WorkSubmissionRecord
{
    /// <summary>
    /// The submitted payload, in any encoding that keeps different payloads different (for example
    /// <c>Convert.ToHexString</c>); record the same encoding in <see cref="WorkClaimRecord.Payload"/>. Make every
    /// submission's payload unique, or two submissions become one in the check. <c>null</c> when the recorder did not
    /// keep it: such a submission can only be matched by <see cref="Item"/>.
    /// </summary>
    public string? Payload { get; init; }

    /// <summary>The id the queue returned, or <c>null</c> when the submit did not return one (it failed).</summary>
    public string? Item { get; init; }

    /// <summary>What came of the submission.</summary>
    public required OperationOutcome Outcome { get; init; }
}
