using MusicRecipes.Reliability.Tests.Processes;
using MusicRecipes.Reliability.Worker.Reporting;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>
/// Merges what every worker process reports into the run's histories: operations into the shared
/// <see cref="OperationHistory"/> (as the in-process clients record theirs), holds into <see cref="HoldRecord"/>s and
/// <see cref="HoldTimeline"/>s. Worker failures are kept as problems the run reports.
/// </summary>
internal sealed class WorkerHistory(OperationHistory operations) : IWorkerEventSink
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Key, long Ordinal), HoldAssembly> _holds = [];
    private readonly List<string> _problems = [];
    private readonly List<(long At, string Client, string Text)> _notes = [];
    private TaskCompletionSource<string>? _nextHolder;

    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return _problems.ToArray();
            }
        }
    }

    /// <summary>What the workers said besides operations, for reading the history: new sessions, losses, deaths.</summary>
    public IReadOnlyList<(long At, string Client, string Text)> Notes
    {
        get
        {
            lock (_gate)
            {
                return _notes.ToArray();
            }
        }
    }

    public IReadOnlyList<HoldRecord> HoldRecords => Snapshot(h => h.ToHoldRecord());

    public IReadOnlyList<HoldTimeline> Timelines => Snapshot(h => h.ToTimeline());

    public void Accept(string client, WorkerEvent report)
    {
        if (report.Type == WorkerEventType.Operation && report.Operation is { } operation)
        {
            operations.Add(operation);
        }

        TaskCompletionSource<string>? waiter = null;
        lock (_gate)
        {
            Fold(client, report);
            if (report.Type == WorkerEventType.Acquired)
            {
                (waiter, _nextHolder) = (_nextHolder, null);
            }
        }

        // Outside the lock and on this reader's thread, so the nemesis can freeze the holder within its hold.
        waiter?.TrySetResult(client);
    }

    /// <summary>
    /// The name of the next worker to report that it acquired a lock (so the nemesis can freeze a holder in its
    /// critical section rather than a waiter), or <c>null</c> if none does within <paramref name="timeout"/>.
    /// </summary>
    public async Task<string?> NextHolderAsync(TimeSpan timeout)
    {
        var waiter = new TaskCompletionSource<string>();
        lock (_gate)
        {
            _nextHolder = waiter;
        }

        return await Task.WhenAny(waiter.Task, Task.Delay(timeout)) == waiter.Task ? waiter.Task.Result : null;
    }

    /// <summary>True while <paramref name="client"/> has a hold that has not ended (as far as its reports have been read).</summary>
    public bool IsHolding(string client)
    {
        lock (_gate)
        {
            return _holds.Values.Any(h => h.Client == client && !h.HasEnded);
        }
    }

    public void Problem(string client, string description)
    {
        lock (_gate)
        {
            _problems.Add($"worker {client} {description}");
        }
    }

    /// <summary>The process of <paramref name="client"/> was killed at <paramref name="at"/>: its open holds end there.</summary>
    public void HolderDied(string client, long at)
    {
        lock (_gate)
        {
            foreach (var hold in _holds.Values.Where(h => h.Client == client && !h.HasEnded))
            {
                hold.HolderDiedAt = at;
            }
        }
    }

    private void Fold(string client, WorkerEvent report)
    {
        if (report is { Type: WorkerEventType.Session, At: { } sessionAt, SessionId: { } session })
        {
            _notes.Add((sessionAt, client, "ZooKeeper session " + ZooKeeper.ZooKeeperLockStore.FormatSessionId(session)));
        }

        if (report is { Type: WorkerEventType.Lost, At: { } lostAt })
        {
            _notes.Add((lostAt, client, $"told hold {report.Key} #{report.Ordinal} is lost ({report.Reason})"));
        }

        if (report.Type == WorkerEventType.Acquired)
        {
            _holds[(report.Key!, report.Ordinal!.Value)] = new HoldAssembly(client, report.Key!, report.Ordinal.Value, report.InvokedAt!.Value, report.At!.Value);
            return;
        }

        var (key, ordinal) = report.Operation is { } op ? (op.Key, op.Ordinal) : (report.Key, report.Ordinal);
        if (key is null || ordinal is null || !_holds.TryGetValue((key, ordinal.Value), out var hold))
        {
            return;
        }

        switch (report.Type)
        {
            case WorkerEventType.HeldObserved:
                hold.HeldObserved(report.At!.Value);
                break;
            case WorkerEventType.PutSending:
                hold.ValueSending = report.Value;
                break;
            case WorkerEventType.Operation when report.Operation!.Kind == OperationKinds.CriticalGet && report.Operation.Value is { } read:
                hold.ValueRead = read;
                break;
            case WorkerEventType.Operation when report.Operation!.Kind == OperationKinds.CriticalPut:
                hold.PutOutcome = report.Operation.Outcome;
                break;
            case WorkerEventType.Lost:
                hold.Lost(report.At!.Value, report.Reason);
                break;
            case WorkerEventType.Released:
                hold.ReleaseInvokedAt = report.InvokedAt;
                hold.ReleaseReturnedAt = report.At;
                hold.Clean = report.Clean == true;
                break;
        }
    }

    private IReadOnlyList<T> Snapshot<T>(Func<HoldAssembly, T> convert)
    {
        lock (_gate)
        {
            return _holds.Values.Select(convert).ToArray();
        }
    }
}
