using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>Every fault the nemesis injected, for the figures and for reading a history excerpt against.</summary>
internal sealed class FaultLog
{
    private readonly ConcurrentQueue<FaultRecord> _faults = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly int[] _skipped = new int[Enum.GetValues<FaultKind>().Length];

    public IReadOnlyList<FaultRecord> Faults => _faults.ToArray();

    /// <summary>Faults that could not be injected or repaired (for example a restart that timed out).</summary>
    public IReadOnlyList<string> Problems => _problems.ToArray();

    public void Add(FaultRecord fault) => _faults.Enqueue(fault);

    public void Problem(string description) => _problems.Enqueue(description);

    /// <summary>A fault that found no target (e.g. a session to expire while the client was reconnecting); not counted.</summary>
    public void Skipped(FaultKind kind) => Interlocked.Increment(ref _skipped[(int)kind]);

    public IReadOnlyDictionary<FaultKind, int> CountByKind() =>
        Enum.GetValues<FaultKind>().ToDictionary(k => k, k => _faults.Count(f => f.Kind == k));

    public string FormatSummary()
    {
        var text = new StringBuilder();
        foreach (var (kind, count) in CountByKind())
        {
            var skipped = Volatile.Read(ref _skipped[(int)kind]);
            text.AppendLine(CultureInfo.InvariantCulture, $"{kind,-22} {count,5}{(skipped == 0 ? string.Empty : $"  ({skipped} skipped: no target)")}");
        }

        foreach (var problem in _problems)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"nemesis problem: {problem}");
        }

        return text.ToString();
    }
}
