using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Nemesis;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>
/// Writes a run's whole history (operations and faults, in time order, milliseconds since the start) to a file, and
/// cuts an excerpt for each violation: the operations on the violated key by the tickets the violation names, with
/// the faults under way meanwhile. A violation is reported with its evidence, never hidden.
/// </summary>
internal static partial class HistoryDump
{
    public const string OutputVariable = "MUSIC_RELIABILITY_OUTPUT";

    public static string Write(int seed, RunClock clock, OperationHistory operations, FaultLog faults, IEnumerable<(long At, string Client, string Text)> notes)
    {
        var directory = Environment.GetEnvironmentVariable(OutputVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "musicrecipes-reliability");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"history-{seed}-{DateTime.UtcNow:yyyyMMddHHmmss}.log"));
        var lines = operations.Records.Select(r => (r.InvokedAt, Line: Describe(clock, r)))
            .Concat(faults.Faults.Select(f => (InvokedAt: f.StartedAt, Line: Describe(clock, f))))
            .Concat(notes.Select(n => (InvokedAt: n.At, Line: string.Create(CultureInfo.InvariantCulture, $"{clock.Millis(n.At),10:F1}                  {n.Client,-10} ({n.Text})"))))
            .OrderBy(l => l.InvokedAt)
            .Select(l => l.Line);
        File.WriteAllLines(file, lines);
        return file;
    }

    public static string Excerpt(IReadOnlyList<string> violations, RunClock clock, OperationHistory operations, FaultLog faults)
    {
        var text = new StringBuilder();
        foreach (var violation in violations.Take(5))
        {
            var key = violation[..Math.Max(0, violation.IndexOf(": ", StringComparison.Ordinal))];
            var ordinals = Ordinals().Matches(violation).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToHashSet();
            var related = operations.Records
                .Where(r => string.Equals(r.Key, key, StringComparison.Ordinal) && r.Ordinal is { } o && ordinals.Contains(o))
                .OrderBy(r => r.InvokedAt)
                .ToList();
            text.AppendLine("* " + violation);
            if (related.Count == 0)
            {
                continue;
            }

            var from = related.Min(r => r.InvokedAt);
            var to = related.Max(r => r.CompletedAt);
            foreach (var record in related)
            {
                text.AppendLine("    " + Describe(clock, record));
            }

            foreach (var fault in faults.Faults.Where(f => f.StartedAt <= to && f.EndedAt >= from))
            {
                text.AppendLine("    " + Describe(clock, fault));
            }
        }

        return text.ToString();
    }

    private static string Describe(RunClock clock, OperationRecord r) => string.Create(
        CultureInfo.InvariantCulture,
        $"{clock.Millis(r.InvokedAt),10:F1} .. {clock.Millis(r.CompletedAt),10:F1} ms  {r.Client,-10} {r.Kind,-14} {r.Key} #{r.Ordinal} value={r.Value} -> {r.Outcome}{(r.Error is null ? string.Empty : "  (" + r.Error + ")")}");

    private static string Describe(RunClock clock, FaultRecord f) => string.Create(
        CultureInfo.InvariantCulture,
        $"{clock.Millis(f.StartedAt),10:F1} .. {clock.Millis(f.EndedAt),10:F1} ms  nemesis    {f.Kind} {f.Target}");

    [GeneratedRegex(@"#(\d+)")]
    private static partial Regex Ordinals();
}
