using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Checkers;

/// <summary>The critical-read checker must catch a stale read and must not blame operations that promised nothing.</summary>
public sealed class CriticalReadCheckerTests
{
    private static OperationRecord Op(string kind, long invoked, long completed, long value, OperationOutcome outcome = OperationOutcome.Acknowledged, string key = "k") => new()
    {
        Kind = kind,
        Client = "c",
        Key = key,
        InvokedAt = invoked,
        CompletedAt = completed,
        Outcome = outcome,
        Value = value,
        Ordinal = invoked,
    };

    [Fact]
    public void Reads_that_see_every_earlier_acknowledged_put_pass()
    {
        var history = new[]
        {
            Op(OperationKinds.CriticalGet, 0, 1, 0), Op(OperationKinds.CriticalPut, 2, 3, 1),
            Op(OperationKinds.CriticalGet, 4, 5, 1), Op(OperationKinds.CriticalPut, 6, 7, 2),
            Op(OperationKinds.CriticalGet, 8, 9, 2),
        };
        Assert.Empty(CriticalReadChecker.Check(history));
    }

    [Fact]
    public void A_read_older_than_an_acknowledged_earlier_put_is_reported()
    {
        var history = new[] { Op(OperationKinds.CriticalPut, 2, 3, 5), Op(OperationKinds.CriticalGet, 4, 5, 4) };
        var violation = Assert.Single(CriticalReadChecker.Check(history));
        Assert.Contains("stale critical read", violation);
        Assert.StartsWith("k: ", violation);
    }

    [Fact]
    public void The_largest_earlier_put_counts_even_when_a_smaller_one_completed_later()
    {
        var history = new[] { Op(OperationKinds.CriticalPut, 0, 1, 7), Op(OperationKinds.CriticalPut, 2, 3, 3), Op(OperationKinds.CriticalGet, 4, 5, 6) };
        Assert.Single(CriticalReadChecker.Check(history));
    }

    [Fact]
    public void Concurrent_indeterminate_and_other_key_operations_are_not_judged()
    {
        var history = new[]
        {
            Op(OperationKinds.CriticalPut, 0, 10, 5),                                   // still in flight when the read began
            Op(OperationKinds.CriticalGet, 4, 5, 4),
            Op(OperationKinds.CriticalPut, 11, 12, 9, OperationOutcome.Indeterminate), // promised nothing
            Op(OperationKinds.CriticalGet, 13, 14, 5),
            Op(OperationKinds.CriticalGet, 15, 16, 0, key: "other"),
            Op(OperationKinds.CriticalPut, 17, 18, 20),
            Op(OperationKinds.CriticalGet, 19, 20, 1, OperationOutcome.Indeterminate), // the reader's hold was disturbed
        };
        Assert.Empty(CriticalReadChecker.Check(history));
    }
}
