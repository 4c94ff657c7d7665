using MusicRecipes.Reliability.Worker.Workloads;

namespace MusicRecipes.Reliability.Worker.Reporting;

/// <summary>
/// Reports one hold's timeline as it happens, for the loss-timing check: the acquire, each <c>IsHeld == true</c> the
/// holder reads before a critical operation, the put about to be sent, the loss, and the release. Reporting as it
/// happens (not at the end) keeps the facts of a hold whose process is killed halfway.
/// </summary>
internal sealed class HoldReporter : IDisposable
{
    private readonly WorkerReport _report;
    private readonly ICounterHold _hold;
    private readonly string _key;
    private readonly CancellationTokenRegistration _onLoss;
    private int _lossReported;

    public HoldReporter(WorkerReport report, ICounterHold hold, string key, long acquireInvokedAt, long acquireReturnedAt)
    {
        _report = report;
        _hold = hold;
        _key = key;
        Write(WorkerEventType.Acquired, acquireReturnedAt, invokedAt: acquireInvokedAt);
        _onLoss = hold.LockRef.LostToken.Register(ReportLoss);
    }

    /// <summary>Reads <c>IsHeld</c> as a careful holder does before a critical operation, and reports it if true.</summary>
    public void ObserveHeld()
    {
        var at = WorkerReport.Now;
        if (_hold.IsHeld)
        {
            Write(WorkerEventType.HeldObserved, at);
        }
    }

    public void PutSending(long value) => Write(WorkerEventType.PutSending, WorkerReport.Now, value: value);

    /// <summary>The hold is over: released (or given up on) from <paramref name="invokedAt"/> until now.</summary>
    public void Released(long invokedAt, bool ok, bool clean)
    {
        if (_hold.IsLost)
        {
            ReportLoss();
        }

        _report.Write(new WorkerEvent
        {
            Type = WorkerEventType.Released, Key = _key, Ordinal = _hold.Ordinal, InvokedAt = invokedAt, At = WorkerReport.Now, Ok = ok, Clean = clean,
        });
    }

    public void Dispose() => _onLoss.Dispose();

    private void ReportLoss()
    {
        if (Interlocked.Exchange(ref _lossReported, 1) == 0)
        {
            _report.Write(new WorkerEvent
            {
                Type = WorkerEventType.Lost, Key = _key, Ordinal = _hold.Ordinal, At = LossMoment(_hold.LockRef), Reason = _hold.LockRef.LossReason?.ToString(),
            });
        }
    }

    /// <summary>
    /// When the holder was told: <see cref="LockRef.LostAt"/>, the moment from which every look by the holder says
    /// "lost" (a lease's deadline even if the process was frozen then and nobody looked until later) — not when the
    /// callback ran. LostAt is on the client's wall clock; it is carried over to the monotonic clock of the reports
    /// through the current offset between the two (an error of NTP's slew over a few seconds: well under a millisecond).
    /// </summary>
    private static long LossMoment(LockRef lockRef)
    {
        var now = WorkerReport.Now;
        return lockRef.LostAt is { } lostAt
            ? now - (long)((DateTimeOffset.UtcNow - lostAt).Ticks * (double)System.Diagnostics.Stopwatch.Frequency / TimeSpan.TicksPerSecond)
            : now;
    }

    private void Write(WorkerEventType type, long at, long? invokedAt = null, long? value = null) =>
        _report.Write(new WorkerEvent { Type = type, Key = _key, Ordinal = _hold.Ordinal, At = at, InvokedAt = invokedAt, Value = value });
}
