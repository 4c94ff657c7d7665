using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Checkers;

/// <summary>The work-queue checker must catch each kind of violation, or the reliability run proves nothing.</summary>
public sealed class WorkQueueCheckerTests
{
    private static readonly KeyValuePair<string, OperationOutcome>[] OneSubmitted = [new("p/1", OperationOutcome.Acknowledged)];

    private static WorkClaimRecord Claim(long fencing, long invoked, long claimed, long? heldUntil, OperationOutcome? completion, long completedAt, string worker = "w") => new()
    {
        Item = "p/1",
        Worker = worker,
        Fencing = fencing,
        InvokedAt = invoked,
        ClaimedAt = claimed,
        HeldUntil = heldUntil,
        Completion = completion,
        CompletedAt = completedAt,
    };

    private static Dictionary<string, bool> Done(bool done = true) => new() { ["p/1"] = done };

    [Fact]
    public void A_recovered_item_completed_once_passes()
    {
        // The first claim lost its lock (indeterminate completion that did not land), a second worker recovered it.
        var claims = new[] { Claim(1, 0, 2, null, OperationOutcome.Indeterminate, 5), Claim(2, 6, 8, 9, OperationOutcome.Acknowledged, 10) };
        var report = WorkQueueChecker.Check(OneSubmitted, claims, Done());
        Assert.Empty(report.Violations);
        Assert.Equal((1, 2, 1, 1), (report.Submitted, report.Claims, report.Completed, report.Done));
    }

    [Fact]
    public void An_item_completed_twice_is_reported()
    {
        var claims = new[] { Claim(1, 0, 2, 3, OperationOutcome.Acknowledged, 4), Claim(2, 1, 5, 6, OperationOutcome.Acknowledged, 7) };
        Assert.Contains(WorkQueueChecker.Check(OneSubmitted, claims, Done()).Violations, v => v.Contains("completed twice"));
    }

    [Fact]
    public void A_claim_in_a_round_begun_after_the_completion_is_reported()
    {
        var claims = new[] { Claim(1, 0, 2, 3, OperationOutcome.Acknowledged, 4), Claim(2, 5, 6, null, null, 0) };
        Assert.Contains(WorkQueueChecker.Check(OneSubmitted, claims, Done()).Violations, v => v.Contains("claimed after done"));
    }

    [Fact]
    public void A_claim_handed_out_while_an_earlier_one_was_validly_held_is_reported()
    {
        var claims = new[] { Claim(1, 0, 2, 10, OperationOutcome.Acknowledged, 11), Claim(2, 1, 5, null, OperationOutcome.Failed, 6) };
        Assert.Contains(WorkQueueChecker.Check(OneSubmitted, claims, Done()).Violations, v => v.Contains("overlapping claims"));

        // The same timing is fine when the earlier claim's validity is unknown (it lost its lock).
        var lost = new[] { Claim(1, 0, 2, null, OperationOutcome.Indeterminate, 11), Claim(2, 1, 5, 6, OperationOutcome.Acknowledged, 7) };
        Assert.Empty(WorkQueueChecker.Check(OneSubmitted, lost, Done()).Violations);
    }

    [Fact]
    public void Lost_items_and_lost_completions_are_reported()
    {
        Assert.Contains(WorkQueueChecker.Check(OneSubmitted, [], Done(false)).Violations, v => v.Contains("lost: submitted"));
        Assert.Contains(WorkQueueChecker.Check(OneSubmitted, [], new Dictionary<string, bool>()).Violations, v => v.Contains("lost: submitted"));
        var completed = new[] { Claim(1, 0, 2, 3, OperationOutcome.Acknowledged, 4) };
        Assert.Contains(WorkQueueChecker.Check([], completed, Done(false)).Violations, v => v.Contains("lost completion"));
    }

    [Fact]
    public void An_item_done_without_any_completion_attempt_is_reported()
    {
        var claims = new[] { Claim(1, 0, 2, null, OperationOutcome.Failed, 3) };
        Assert.Contains(WorkQueueChecker.Check(OneSubmitted, claims, Done()).Violations, v => v.Contains("invented completion"));
    }
}
