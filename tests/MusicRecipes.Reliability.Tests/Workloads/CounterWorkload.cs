using MusicRecipes.Conformance;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Workloads;

/// <summary>
/// Critical read-modify-write increments of shared counters, in a loop, by one client: acquire, critical get,
/// critical put of read + 1, release. Every step is an <see cref="OperationRecord"/>; every hold is a
/// <see cref="HoldRecord"/> for <see cref="HistoryChecker"/> (the same checker as the conformance suite's randomized
/// test, here against real Cassandra and ZooKeeper). <paramref name="acquire"/> decides which API takes the lock.
/// </summary>
internal sealed class CounterWorkload(
    string acquireKind,
    Func<IMusicClient, string, TimeSpan, CancellationToken, Task<ICounterHold>> acquire,
    IReadOnlyList<string> counters,
    CriticalSectionHistory holds,
    OperationHistory operations)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(3);

    public async Task RunAsync(SiteClient client, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await IncrementOnceAsync(client, counters[random.Next(counters.Count)], random);
        }
    }

    private async Task IncrementOnceAsync(SiteClient client, string key, Random random)
    {
        // Operations are not cancelled by the run's stop: a half-done hold would be recorded as a fault of ours.
        var mark = client.Session.Mark();
        var invoked = RunClock.Now;
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

        var acquiredAt = RunClock.Now;
        Record(client, acquireKind, key, invoked, OperationOutcome.Acknowledged, ordinal: hold.Ordinal);
        bool Valid() => !hold.IsLost && client.Session.UndisturbedSince(mark);

        long? read = null;
        long? written = null;
        var outcome = HoldOutcome.Failed;
        invoked = RunClock.Now;
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
            written = value + 1;
            await Task.Delay(random.Next(0, 5));
            invoked = RunClock.Now;
            OperationOutcome putOutcome;
            Exception? putError = null;
            try
            {
                await hold.PutAsync(CounterCodec.Encode(written.Value), CancellationToken.None);
                putOutcome = Outcomes.OfReturnedWrite(Valid());
            }
            catch (Exception ex) when (Outcomes.IsExpected(ex))
            {
                putOutcome = Outcomes.OfFailedWrite(ex);
                putError = ex;
            }

            Record(client, OperationKinds.CriticalPut, key, invoked, putOutcome, written, hold.Ordinal, putError);
            outcome = putOutcome switch
            {
                OperationOutcome.Acknowledged => HoldOutcome.Acknowledged,
                OperationOutcome.Indeterminate => HoldOutcome.Indeterminate,
                _ => HoldOutcome.Failed,
            };
        }

        var releaseStarted = RunClock.Now;
        var released = await Releaser.ReleaseAsync(() => hold.ReleaseAsync(CancellationToken.None));
        Record(client, ReleaseKind, key, releaseStarted, released ? OperationOutcome.Acknowledged : OperationOutcome.Failed, ordinal: hold.Ordinal);
        holds.Add(new HoldRecord
        {
            Client = client.Name,
            Key = key,
            Ordinal = hold.Ordinal,
            AcquiredAt = acquiredAt,
            ReleaseStartedAt = releaseStarted,

            // Clean means known exclusive: released, never lost, and the session never even suspended meanwhile.
            CompletedCleanly = released && Valid(),
            ValueRead = read,
            ValueWritten = written,
            Outcome = outcome,
        });
    }

    private string ReleaseKind => acquireKind.Replace("acquire", "release", StringComparison.Ordinal);

    private void Record(SiteClient client, string kind, string key, long invoked, OperationOutcome outcome, long? value = null, long? ordinal = null, Exception? error = null) =>
        operations.Add(new OperationRecord
        {
            Kind = kind,
            Client = client.Name,
            Key = key,
            InvokedAt = invoked,
            CompletedAt = RunClock.Now,
            Outcome = outcome,
            Value = value,
            Ordinal = ordinal,
            Error = error is null ? null : Outcomes.Describe(error),
        });
}
