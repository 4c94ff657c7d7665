using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>Every fault the nemesis injected, for the figures, the checkers and for reading a history excerpt against.</summary>
internal sealed class FaultLog
{
    private readonly ConcurrentQueue<FaultRecord> _faults = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly int[] _skipped = new int[Enum.GetValues<FaultKind>().Length];

    public IReadOnlyList<FaultRecord> Faults => _faults.ToArray();

    /// <summary>Faults that could not be injected (for example a session expiry the ensemble refused); the run goes on.</summary>
    public IReadOnlyList<string> Problems => _problems.ToArray();

    /// <summary>Faults whose repair failed — a server that did not come back: the run fails on any.</summary>
    public IReadOnlyList<FaultRecord> Unrepaired => _faults.Where(f => f.Unrepaired is not null).ToArray();

    /// <summary>Client pauses longer than the session timeout: the holder's session expires while it cannot look.</summary>
    public int LongPauses => _faults.Count(f => f.Kind == FaultKind.ClientPause && Stopwatch.GetElapsedTime(f.StartedAt, f.EndedAt) > ReliabilitySettings.SessionTimeout);

    /// <summary>
    /// The session expiries the nemesis forced through a second connection: removals no client-side lease can warn
    /// of, which <see cref="LossTimingChecker"/> exempts.
    /// </summary>
    public IEnumerable<InstantRemoval> InstantRemovals =>
        _faults.Where(f => f.Kind == FaultKind.SessionExpiry).Select(f => new InstantRemoval(f.Target, f.StartedAt, f.EndedAt, "session expiry"));

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
            var detail = kind == FaultKind.ClientPause ? $"  ({LongPauses} longer than the {ReliabilitySettings.SessionTimeout.TotalSeconds:F0} s session timeout)" : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"{kind,-24} {count,5}{detail}{(skipped == 0 ? string.Empty : $"  ({skipped} skipped: no target)")}");
        }

        foreach (var fault in Unrepaired)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"NOT REPAIRED: {fault.Kind} {fault.Target}: {fault.Unrepaired}");
        }

        foreach (var problem in _problems)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"nemesis problem: {problem}");
        }

        return text.ToString();
    }
}
