using MusicRecipes.Reliability.Tests.Run;
using MusicRecipes.Reliability.Worker.Reporting;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Checkers;

/// <summary>What the workers report must reach the checkers whole, including the holds of a process killed halfway.</summary>
public sealed class WorkerHistoryTests
{
    private readonly OperationHistory _operations = new();

    [Fact]
    public void A_hold_reported_from_acquire_to_release_becomes_a_clean_hold_and_a_timeline()
    {
        var history = new WorkerHistory(_operations);
        Report(history, "w", Acquired(5, invokedAt: 1, at: 2), Held(5, 3), Operation(OperationKinds.CriticalGet, 5, 41, OperationOutcome.Acknowledged));
        Report(history, "w", Held(5, 4), PutSending(5, 42), Operation(OperationKinds.CriticalPut, 5, 42, OperationOutcome.Acknowledged), Released(5, invokedAt: 6, at: 7, clean: true));

        var hold = Assert.Single(history.HoldRecords);
        Assert.Equal((5L, 2L, 6L, true, 41L, 42L, HoldOutcome.Acknowledged), (hold.Ordinal, hold.AcquiredAt, hold.ReleaseStartedAt!.Value, hold.CompletedCleanly, hold.ValueRead!.Value, hold.ValueWritten!.Value, hold.Outcome));
        var timeline = Assert.Single(history.Timelines);
        Assert.Equal([3L, 4L], timeline.HeldObservedAt);
        Assert.Equal(6, timeline.ToldAt);
        Assert.Equal(2, _operations.Records.Count);
    }

    [Fact]
    public void The_hold_of_a_killed_worker_ends_at_its_death_and_its_unanswered_put_is_indeterminate()
    {
        var history = new WorkerHistory(_operations);
        Report(history, "w", Acquired(5, 1, 2), Operation(OperationKinds.CriticalGet, 5, 41, OperationOutcome.Acknowledged), PutSending(5, 42));
        Report(history, "other", Acquired(9, 1, 2));

        history.HolderDied("w", at: 10);

        var hold = history.HoldRecords.Single(h => h.Ordinal == 5);
        Assert.Equal((HoldOutcome.Indeterminate, false, (long?)null), (hold.Outcome, hold.CompletedCleanly, hold.ReleaseStartedAt));
        Assert.Equal(10, history.Timelines.Single(t => t.Ordinal == 5).ToldAt);
        Assert.Null(history.Timelines.Single(t => t.Ordinal == 9).ToldAt);
    }

    [Fact]
    public void A_loss_is_kept_with_its_reason_and_the_earliest_report_wins()
    {
        var history = new WorkerHistory(_operations);
        Report(history, "w", Acquired(5, 1, 2), Lost(5, 8, "SessionExpired"), Lost(5, 9, "ForciblyReleased"), Released(5, 12, 13, clean: false));

        var timeline = Assert.Single(history.Timelines);
        Assert.Equal((8L, "SessionExpired", true), (timeline.LostAt!.Value, timeline.LossReason, timeline.EndedByLoss));
        Assert.Equal(HoldOutcome.Failed, Assert.Single(history.HoldRecords).Outcome);
    }

    [Fact]
    public void A_worker_that_reports_an_error_is_a_problem_of_the_run()
    {
        var history = new WorkerHistory(_operations);

        history.Problem("w", "failed: boom");

        Assert.Equal(["worker w failed: boom"], history.Problems);
    }

    private static void Report(WorkerHistory history, string client, params WorkerEvent[] reports)
    {
        foreach (var report in reports)
        {
            history.Accept(client, report);
        }
    }

    private static WorkerEvent Acquired(long ordinal, long invokedAt, long at) => new() { Type = WorkerEventType.Acquired, Key = "k", Ordinal = ordinal, InvokedAt = invokedAt, At = at };

    private static WorkerEvent Held(long ordinal, long at) => new() { Type = WorkerEventType.HeldObserved, Key = "k", Ordinal = ordinal, At = at };

    private static WorkerEvent PutSending(long ordinal, long value) => new() { Type = WorkerEventType.PutSending, Key = "k", Ordinal = ordinal, Value = value, At = 0 };

    private static WorkerEvent Lost(long ordinal, long at, string reason) => new() { Type = WorkerEventType.Lost, Key = "k", Ordinal = ordinal, At = at, Reason = reason };

    private static WorkerEvent Released(long ordinal, long invokedAt, long at, bool clean) =>
        new() { Type = WorkerEventType.Released, Key = "k", Ordinal = ordinal, InvokedAt = invokedAt, At = at, Ok = true, Clean = clean };

    private static WorkerEvent Operation(string kind, long ordinal, long value, OperationOutcome outcome) => new()
    {
        Type = WorkerEventType.Operation,
        Operation = new OperationRecord { Kind = kind, Client = "w", Key = "k", Ordinal = ordinal, Value = value, InvokedAt = 0, CompletedAt = 0, Outcome = outcome },
    };
}
