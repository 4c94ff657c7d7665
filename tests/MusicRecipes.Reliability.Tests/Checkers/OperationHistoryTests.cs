using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Checkers;

/// <summary>The run's figures come from <see cref="OperationHistory"/>; they must count what was recorded.</summary>
public sealed class OperationHistoryTests
{
    private static OperationRecord Op(string kind, OperationOutcome outcome) => new() { Kind = kind, Client = "c", InvokedAt = 0, CompletedAt = 1, Outcome = outcome };

    [Fact]
    public void Counts_operations_by_kind_and_outcome()
    {
        var history = new OperationHistory();
        history.Add(Op("put", OperationOutcome.Acknowledged));
        history.Add(Op("put", OperationOutcome.Indeterminate));
        history.Add(Op("put", OperationOutcome.Acknowledged));
        history.Add(Op("get", OperationOutcome.Failed));

        var counts = history.CountByKind();
        Assert.Equal(2, counts["put"][OperationOutcome.Acknowledged]);
        Assert.Equal(1, counts["put"][OperationOutcome.Indeterminate]);
        Assert.Equal(0, counts["put"][OperationOutcome.Failed]);
        Assert.Equal(1, counts["get"][OperationOutcome.Failed]);
        Assert.Equal(3, history.OfKind("put").Count);
        var lines = history.FormatSummary().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("put", StringComparison.Ordinal) && l.Contains(" 2 ") && l.Contains(" 1 "));
    }
}
