using System.Diagnostics;
using System.Globalization;
using MusicRecipes.Reliability.Worker.Workloads;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>
/// How long each counter client went without getting a lock: the longest stretch between its acknowledged acquires
/// (or from its first or to its last attempt). Faults stall clients for seconds (a ZooKeeper election, a frozen
/// holder's session running out); a stall of tens of seconds with attempts failing all along is a liveness problem.
/// Reported, not judged.
/// </summary>
internal static class StallFigures
{
    public static string Describe(OperationHistory operations, Harness.RunClock clock, int top = 3)
    {
        var stalls = operations.Records
            .Where(r => r.Kind is CounterKinds.Raw or CounterKinds.Mutex)
            .GroupBy(r => r.Client, StringComparer.Ordinal)
            .Select(g => Longest(g.Key, g.ToList()))
            .OrderByDescending(s => s.Ticks)
            .Take(top)
            .Select(s => string.Create(
                CultureInfo.InvariantCulture,
                $"{s.Client} {Stopwatch.GetElapsedTime(0, s.Ticks).TotalSeconds:F1} s from {clock.Millis(s.From) / 1000:F1} s ({s.Failures} failed attempts)"));
        return string.Join(", ", stalls);
    }

    private static (string Client, long From, long Ticks, int Failures) Longest(string client, List<OperationRecord> attempts)
    {
        var marks = attempts.Where(r => r.Outcome == OperationOutcome.Acknowledged).Select(r => r.CompletedAt)
            .Append(attempts.Min(r => r.InvokedAt))
            .Append(attempts.Max(r => r.CompletedAt))
            .Order()
            .ToArray();
        var (from, ticks) = marks.Zip(marks.Skip(1), (a, b) => (a, b - a)).MaxBy(p => p.Item2);
        var failures = attempts.Count(r => r.Outcome != OperationOutcome.Acknowledged && r.InvokedAt >= from && r.CompletedAt <= from + ticks);
        return (client, from, ticks, failures);
    }
}
