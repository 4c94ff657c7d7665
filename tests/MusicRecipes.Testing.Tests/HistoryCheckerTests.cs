using MusicRecipes.Testing.History;

namespace MusicRecipes.Testing.Tests;

/// <summary>The checker must catch each kind of violation, or the concurrency tests prove nothing.</summary>
public sealed class HistoryCheckerTests
{
    private static HoldRecord Hold(long ordinal, long acquired, long released, long read, HoldOutcome outcome = HoldOutcome.Acknowledged, bool clean = true) => new()
    {
        Client = $"c{ordinal}",
        Key = "k",
        Ordinal = ordinal,
        AcquiredAt = acquired,
        ReleaseStartedAt = released,
        CompletedCleanly = clean,
        ValueRead = read,
        ValueWritten = read + 1,
        Outcome = outcome,
    };

    private static Dictionary<string, long> Final(long value) => new() { ["k"] = value };

    [Fact]
    public void A_correct_history_passes()
    {
        var report = HistoryChecker.Check([Hold(1, 0, 10, 0), Hold(2, 11, 20, 1), Hold(3, 21, 30, 2)], Final(3));
        Assert.Empty(report.Violations);
        Assert.Equal(3, report.Acknowledged);
    }

    [Fact]
    public void Overlapping_clean_holds_are_reported()
    {
        var report = HistoryChecker.Check([Hold(1, 0, 10, 0), Hold(2, 5, 20, 1)], Final(2));
        Assert.Contains(report.Violations, v => v.Contains("overlapping"));
    }

    [Fact]
    public void A_stale_read_is_reported()
    {
        var report = HistoryChecker.Check([Hold(1, 0, 10, 0), Hold(2, 11, 20, 0)], Final(1));
        Assert.Contains(report.Violations, v => v.Contains("stale"));
    }

    [Fact]
    public void A_lost_update_is_reported()
    {
        var report = HistoryChecker.Check([Hold(1, 0, 10, 0), Hold(2, 11, 20, 1)], Final(1));
        Assert.Contains(report.Violations, v => v.Contains("lost update"));
    }

    [Fact]
    public void An_invented_update_is_reported_but_indeterminate_writes_may_count()
    {
        Assert.Contains(HistoryChecker.Check([Hold(1, 0, 10, 0)], Final(2)).Violations, v => v.Contains("invented"));
        Assert.Empty(HistoryChecker.Check([Hold(1, 0, 10, 0), Hold(2, 11, 20, 1, HoldOutcome.Indeterminate, clean: false)], Final(2)).Violations);
        Assert.Empty(HistoryChecker.Check([Hold(1, 0, 10, 0), Hold(2, 11, 20, 1, HoldOutcome.Indeterminate, clean: false)], Final(1)).Violations);
    }
}
