using MusicRecipes.Conformance;
using MusicRecipes.Reliability.Worker.Reporting;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Worker.Workloads;

/// <summary>
/// Critical read-modify-write increments of shared counters, in a loop, by one client: acquire, critical get,
/// critical put of read + 1, release. Every step is reported as an <see cref="OperationRecord"/>, and each hold's
/// timeline through a <see cref="HoldReporter"/>; the harness turns them into the <see cref="HoldRecord"/>s of
/// <see cref="HistoryChecker"/> and the <see cref="HoldTimeline"/>s of <see cref="LossTimingChecker"/>.
/// <paramref name="acquire"/> decides which API takes the lock.
/// </summary>
internal sealed class CounterWorkload(
    string acquireKind,
    Func<IMusicClient, string, TimeSpan, CancellationToken, Task<ICounterHold>> acquire,
    IReadOnlyList<string> counters,
    WorkerReport report)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(3);

    public async Task RunAsync(WorkerClient client, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await IncrementOnceAsync(client, counters[random.Next(counters.Count)], random);
        }
    }

    private async Task IncrementOnceAsync(WorkerClient client, string key, Random random)
    {
        // Operations are not cancelled by the run's stop: a half-done hold would be recorded as a fault of ours.
        var mark = client.Session.Mark();
        var invoked = WorkerReport.Now;
        ICounterHold hold;
        try
        {
            hold = await acquire(client.Music, key, LockTimeout, CancellationToken.None);
        }
        catch (Exception ex) when (Outcomes.IsExpected(ex))
        {
            Record(client, acquireKind, key, invoked, OperationOutcome.Failed, error: ex);
            await Task.Delay(random.Next(50, 200));
            return;
        }

        var acquiredAt = WorkerReport.Now;
        Record(client, acquireKind, key, invoked, OperationOutcome.Acknowledged, ordinal: hold.Ordinal);
        using var timeline = new HoldReporter(report, hold, key, invoked, acquiredAt);
        bool Valid() => !hold.IsLost && client.Session.UndisturbedSince(mark);

        long? read = null;
        timeline.ObserveHeld();
        invoked = WorkerReport.Now;
        try
        {
            read = CounterCodec.Decode(await hold.GetAsync(CancellationToken.None));
            Record(client, OperationKinds.CriticalGet, key, invoked, Valid() ? OperationOutcome.Acknowledged : OperationOutcome.Indeterminate, read, hold.Ordinal);
        }
        catch (Exception ex) when (Outcomes.IsExpected(ex))
        {
            Record(client, OperationKinds.CriticalGet, key, invoked, Outcomes.OfFailedRead(), ordinal: hold.Ordinal, error: ex);
        }

        if (read is { } value)
        {
            var written = value + 1;
            await Task.Delay(random.Next(0, 20));
            timeline.ObserveHeld();
            timeline.PutSending(written);
            invoked = WorkerReport.Now;
            OperationOutcome putOutcome;
            Exception? putError = null;
            try
            {
                await hold.PutAsync(CounterCodec.Encode(written), CancellationToken.None);
                putOutcome = Outcomes.OfReturnedWrite(Valid());
            }
            catch (Exception ex) when (Outcomes.IsExpected(ex))
            {
                putOutcome = Outcomes.OfFailedWrite(ex);
                putError = ex;
            }

            Record(client, OperationKinds.CriticalPut, key, invoked, putOutcome, written, hold.Ordinal, putError);
        }

        var releaseStarted = WorkerReport.Now;
        var released = await Releaser.ReleaseAsync(() => hold.ReleaseAsync(CancellationToken.None));
        Record(client, ReleaseKind, key, releaseStarted, released ? OperationOutcome.Acknowledged : OperationOutcome.Failed, ordinal: hold.Ordinal);

        // Clean means known exclusive: released, never lost, and the session never even suspended meanwhile.
        timeline.Released(releaseStarted, released, clean: released && Valid());
    }

    private string ReleaseKind => acquireKind.Replace("acquire", "release", StringComparison.Ordinal);

    private void Record(WorkerClient client, string kind, string key, long invoked, OperationOutcome outcome, long? value = null, long? ordinal = null, Exception? error = null) =>
        report.Operation(new OperationRecord
        {
            Kind = kind,
            Client = client.Name,
            Key = key,
            InvokedAt = invoked,
            CompletedAt = WorkerReport.Now,
            Outcome = outcome,
            Value = value,
            Ordinal = ordinal,
            Error = error is null ? null : Outcomes.Describe(error),
        });
}
