using MusicRecipes.Reliability.Worker.Reporting;
using MusicRecipes.Reliability.Worker.Workloads;

namespace MusicRecipes.Reliability.Worker;

/// <summary>
/// The worker's life: connect, report <see cref="WorkerEventType.Ready"/>, run the counter workload until the harness
/// writes "stop" (or closes stdin), finish the hold under way, close the session, report
/// <see cref="WorkerEventType.Stopped"/>. Anything unexpected is reported as <see cref="WorkerEventType.Error"/> and
/// ends the process with a non-zero code.
/// </summary>
internal static class WorkerProgram
{
    public const string StopCommand = "stop";

    public static async Task<int> RunAsync(WorkerOptions options, TextReader commands, TextWriter output)
    {
        var report = new WorkerReport(output);
        using var stop = new CancellationTokenSource();
        try
        {
            await using var connection = await WorkerConnection.OpenAsync(options, report, CancellationToken.None);
            report.Write(new WorkerEvent { Type = WorkerEventType.Ready, At = WorkerReport.Now });
            _ = Task.Run(async () =>
            {
                while (await commands.ReadLineAsync() is { } line && !string.Equals(line.Trim(), StopCommand, StringComparison.Ordinal))
                {
                }

                await stop.CancelAsync();
            });
            var workload = new CounterWorkload(options.AcquireKind, AcquireFor(options.AcquireKind), options.Counters, report);
            await workload.RunAsync(connection.Client, new Random(options.Seed), stop.Token);
        }
        catch (Exception ex)
        {
            report.Write(new WorkerEvent { Type = WorkerEventType.Error, Reason = ex.ToString(), At = WorkerReport.Now });
            return 2;
        }

        report.Write(new WorkerEvent { Type = WorkerEventType.Stopped, At = WorkerReport.Now });
        return 0;
    }

    private static Func<IMusicClient, string, TimeSpan, CancellationToken, Task<ICounterHold>> AcquireFor(string acquireKind) => acquireKind switch
    {
        CounterKinds.Raw => RawCounterHold.AcquireAsync,
        CounterKinds.Mutex => MutexCounterHold.AcquireAsync,
        _ => throw new ArgumentException($"Unknown workload '{acquireKind}'.", nameof(acquireKind)),
    };
}
