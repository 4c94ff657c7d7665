using System.Globalization;
using System.Text;
using MusicRecipes.Reliability.Tests.Nemesis;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>Everything a run produced: its histories, the checkers' verdicts and the timings, formatted as the run's figures.</summary>
internal sealed record ReliabilityFindings(
    int Seed,
    TimeSpan Workload,
    IReadOnlyDictionary<string, TimeSpan> Phases,
    OperationHistory Operations,
    FaultLog Faults,
    HistoryReport Holds,
    IReadOnlyList<string> StaleReads,
    WorkQueueReport Queue,
    LossTimingReport LossTiming)
{
    public IReadOnlyList<string> Violations => Holds.Violations.Concat(StaleReads).Concat(Queue.Violations).Concat(LossTiming.Violations).ToList();

    /// <summary>Items whose claim was lost and that another claim took over (the queue's recovery path).</summary>
    public int ReclaimedItems { get; init; }

    /// <summary>Client processes started, replacements of killed ones included.</summary>
    public int WorkerProcesses { get; init; }

    public KilledHoldFigures KilledHolds { get; init; } = new(0, 0, null);

    /// <summary>Failures of the run itself rather than of the system under test (a worker that crashed, a server that never came back).</summary>
    public IReadOnlyList<string> RunProblems { get; init; } = [];

    /// <summary>What each site's worker saw of the acknowledged items left unfinished (<see cref="UnfinishedItemViews"/>).</summary>
    public IReadOnlyList<string> UnfinishedItems { get; init; } = [];

    /// <summary>The counter clients' longest stretches without a lock (<see cref="StallFigures"/>).</summary>
    public string LongestStalls { get; init; } = string.Empty;

    public int Acknowledged(string kind) =>
        Operations.CountByKind().TryGetValue(kind, out var outcomes) ? outcomes[OperationOutcome.Acknowledged] : 0;

    public string Format(string? excerpt, string? historyFile)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"MusicRecipes reliability run: seed {Seed}, workload {Workload.TotalSeconds:F0} s (replay: {Harness.ReliabilitySettings.SeedVariable}={Seed})");
        text.AppendLine(string.Join(", ", Phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.TotalSeconds:F1} s"))));
        text.AppendLine();
        text.AppendLine("Operations by kind and outcome:");
        text.Append(Operations.FormatSummary());
        text.AppendLine(CultureInfo.InvariantCulture, $"Operations recorded: {Operations.Records.Count}");
        text.AppendLine();
        text.AppendLine("Faults injected by kind:");
        text.Append(Faults.FormatSummary());
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Counters (HistoryChecker): {Holds}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Critical reads (CriticalReadChecker): {StaleReads.Count} stale read(s)");
        foreach (var stale in StaleReads.Take(20))
        {
            text.AppendLine("  " + stale);
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Loss timing (LossTimingChecker): {LossTiming}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  client processes: {WorkerProcesses} started; {KilledHolds}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  longest stretches without a lock: {LongestStalls}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Work queue (WorkQueueChecker): {Queue}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  items claimed more than once (recovered after a lost claim): {ReclaimedItems}");
        foreach (var view in UnfinishedItems)
        {
            text.AppendLine("  unfinished " + view);
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"VIOLATIONS: {Violations.Count}");
        foreach (var problem in RunProblems.Take(20))
        {
            text.AppendLine("RUN PROBLEM: " + problem);
        }

        if (historyFile is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Full history: {historyFile}");
        }

        if (!string.IsNullOrEmpty(excerpt))
        {
            text.AppendLine();
            text.AppendLine("History excerpt around the violations:");
            text.Append(excerpt);
        }

        return text.ToString();
    }
}
