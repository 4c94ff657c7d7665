using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Checkers;

/// <summary>The work-queue checker must catch each kind of violation, or the reliability run proves nothing.</summary>
public sealed class WorkQueueCheckerTests
{
    private static readonly KeyValuePair<string, OperationOutcome>[] OneSubmitted = [new("p/1", OperationOutcome.Acknowledged)];

    private static WorkClaimRecord Claim(long fencing, long invoked, long claimed, long? heldUntil, OperationOutcome? completion, long completedAt, string worker = "w", string? payload = null) => new()
    {
        Item = "p/1",
        Payload = payload,
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
        Assert.Contains(WorkQueueChecker.Check(Array.Empty<WorkSubmissionRecord>(), completed, Done(false)).Violations, v => v.Contains("lost completion"));
    }

    [Fact]
    public void An_item_done_without_any_completion_attempt_is_reported()
    {
        var claims = new[] { Claim(1, 0, 2, null, OperationOutcome.Failed, 3) };
        Assert.Contains(WorkQueueChecker.Check(OneSubmitted, claims, Done()).Violations, v => v.Contains("invented completion"));
    }

    [Fact]
    public void An_id_given_to_two_acknowledged_payloads_reports_the_one_never_done_as_lost()
    {
        // The queue told both submitters "p/1"; a worker found payload A there and completed it. B was never processed.
        WorkSubmissionRecord[] submissions =
        [
            new() { Payload = "A", Item = "p/1", Outcome = OperationOutcome.Acknowledged },
            new() { Payload = "B", Item = "p/1", Outcome = OperationOutcome.Acknowledged },
        ];
        var claims = new[] { Claim(1, 0, 2, 3, OperationOutcome.Acknowledged, 4, payload: "A") };
        var report = WorkQueueChecker.Check(submissions, claims, Done());
        var lost = Assert.Single(report.Violations);
        Assert.Contains("lost: submitted", lost);
        Assert.Contains("payload B", lost);
        Assert.Equal(2, report.Submitted);
    }

    [Fact]
    public void A_payload_is_done_by_the_claim_that_found_it_whatever_the_id()
    {
        // A failed submission (id unknown) may still be processed; an acknowledged one found under another id is done.
        WorkSubmissionRecord[] submissions =
        [
            new() { Payload = "A", Outcome = OperationOutcome.Indeterminate },
            new() { Payload = "B", Item = "p/2", Outcome = OperationOutcome.Acknowledged },
        ];
        var claims = new[]
        {
            Claim(1, 0, 2, 3, OperationOutcome.Acknowledged, 4, payload: "A"),
            Claim(1, 0, 2, 3, OperationOutcome.Acknowledged, 4, payload: "B") with { Item = "p/2" },
        };
        var report = WorkQueueChecker.Check(submissions, claims, new Dictionary<string, bool> { ["p/1"] = true, ["p/2"] = true });
        Assert.Empty(report.Violations);

        // A claim that found B but whose completion certainly failed does not make B done, even though its item is
        // done in the end — by a later claim that found another payload there.
        WorkSubmissionRecord[] onlyB = [new() { Payload = "B", Item = "p/1", Outcome = OperationOutcome.Acknowledged }];
        var overwritten = new[] { Claim(1, 0, 2, null, OperationOutcome.Failed, 3, payload: "B"), Claim(2, 4, 5, 6, OperationOutcome.Acknowledged, 7, payload: "C") };
        Assert.Contains(WorkQueueChecker.Check(onlyB, overwritten, Done()).Violations, v => v.Contains("payload B"));
    }

    [Fact]
    public void An_id_acknowledged_twice_without_payloads_reports_one_submission_lost()
    {
        // A history recorded by id only still shows the reuse: two acknowledged submissions, one item.
        KeyValuePair<string, OperationOutcome>[] twice = [new("p/1", OperationOutcome.Acknowledged), new("p/1", OperationOutcome.Acknowledged)];
        var claims = new[] { Claim(1, 0, 2, 3, OperationOutcome.Acknowledged, 4) };
        Assert.Contains(WorkQueueChecker.Check(twice, claims, Done()).Violations, v => v.Contains("lost: submitted"));
    }
}
