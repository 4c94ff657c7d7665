using System.Diagnostics;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Worker.Reporting;

/// <summary>
/// Writes <see cref="WorkerEvent"/>s to stdout, one JSON line each, flushed at once (a paused or killed process must
/// not sit on reports it already made). Safe to use from any thread.
/// </summary>
internal sealed class WorkerReport(TextWriter output)
{
    private readonly Lock _gate = new();

    /// <summary>Now, on the clock every report uses.</summary>
    public static long Now => Stopwatch.GetTimestamp();

    public void Write(WorkerEvent report)
    {
        var line = report.ToLine();
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public void Operation(OperationRecord record) => Write(new WorkerEvent { Type = WorkerEventType.Operation, Operation = record });
}
