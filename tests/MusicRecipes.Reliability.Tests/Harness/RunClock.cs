using System.Diagnostics;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// One monotonic clock for the whole run (Stopwatch timestamps, as <c>HoldRecord</c> uses), so the times of
/// operations, holds and faults of every client compare; wall clocks never decide anything (rule 2 of docs/design.md).
/// </summary>
internal sealed class RunClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>Milliseconds since the run began, for reports.</summary>
    public double Millis(long timestamp) => (timestamp - _start) * 1000.0 / Stopwatch.Frequency;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);
}
