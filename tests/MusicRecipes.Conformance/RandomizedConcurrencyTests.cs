using System.Diagnostics;
using MusicRecipes.Testing.Backends;
using MusicRecipes.Testing.History;
using Xunit.Abstractions;

namespace MusicRecipes.Conformance;

/// <summary>
/// Many clients on every site run critical increments of shared counters while a nemesis cuts sites off and expires
/// sessions; the recorded history is checked by <see cref="HistoryChecker"/>: no overlapping clean holds, no stale
/// critical read, no lost or invented increment.
/// </summary>
public abstract class RandomizedConcurrencyTests : ConformanceTestBase
{
    private readonly ITestOutputHelper _output;

    /// <summary>Creates the suite.</summary>
    protected RandomizedConcurrencyTests(ITestOutputHelper output) => _output = output;

    /// <summary>The nemesis cuts sites off and expires sessions.</summary>
    protected override MusicTestBackendFaults RequiredFaults => MusicTestBackendFaults.CutOff | MusicTestBackendFaults.ExpireSession;

    /// <summary>How long the clients run.</summary>
    protected virtual TimeSpan RunTime => TimeSpan.FromSeconds(6);

    /// <summary>Clients per site (at least 3 sites, so at least 9 clients).</summary>
    protected virtual int ClientsPerSite => 3;

    /// <summary>Options of the clients (for example a short lease).</summary>
    protected virtual MusicClientOptions ClientOptions => new();

    [Fact]
    public async Task Critical_increments_under_partitions_and_session_expiry_keep_the_history_correct()
    {
        var counters = Enumerable.Range(0, 3).Select(i => ConformanceKeys.New($"counter{i}")).ToArray();
        var history = new CriticalSectionHistory();
        var clients = new List<(IMusicClient Client, string Name)>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            for (var i = 0; i < ClientsPerSite; i++)
            {
                clients.Add((await ClientAsync(site, ClientOptions), $"s{site}c{i}"));
            }
        }

        using var stop = new CancellationTokenSource(RunTime);
        var seed = Environment.TickCount;
        _output.WriteLine($"seed {seed}");
        var faults = 0;
        var nemesis = Task.Run(async () =>
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(random.Next(150, 400));
                if (random.Next(2) == 0)
                {
                    var site = random.Next(Backend.SiteCount);
                    await Backend.CutOffAsync(site);
                    await Task.Delay(random.Next(100, 700));
                    await Backend.HealAsync(site);
                }
                else
                {
                    await Backend.ExpireSessionAsync(clients[random.Next(clients.Count)].Client);
                }

                Interlocked.Increment(ref faults);
            }
        });

        var failedPuts = new System.Collections.Concurrent.ConcurrentQueue<string>(); // for the failure report
        var workers = clients.Select((c, i) => Task.Run(() => IncrementLoopAsync(c.Client, c.Name, counters, history, failedPuts, new Random(seed + i), stop.Token))).ToArray();
        await Task.WhenAll(workers);
        await nemesis;
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            await Backend.HealAsync(site);
        }

        // The workers are done: close their sessions before the audit, as processes that exit would. The audit checks
        // the history (safety); a ticket a worker left queued would otherwise block it until the test ends.
        foreach (var (client, _) in clients)
        {
            await client.DisposeAsync();
        }

        var finals = new Dictionary<string, long>();
        var auditor = await ClientAsync(0);
        foreach (var counter in counters)
        {
            var lockRef = await HoldAsync(auditor, counter);
            finals[counter] = CounterCodec.Decode(await auditor.CriticalGetAsync(lockRef, counter));
            await auditor.ReleaseLockAsync(lockRef);
        }

        var report = HistoryChecker.Check(history.Records, finals);
        _output.WriteLine($"{faults} faults injected; {report}");
        if (report.Violations.Count > 0)
        {
            // The holds of each key in fencing order, for whoever investigates (a rare invented update on Cassandra data
            // with in-memory locks is open: docs/conformance.md).
            foreach (var failedPut in failedPuts)
            {
                _output.WriteLine($"  failed put: {failedPut}");
            }

            foreach (var record in history.Records.OrderBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.Ordinal))
            {
                _output.WriteLine($"  {record.Key} #{record.Ordinal} {record.Client}: read {record.ValueRead?.ToString() ?? "-"} wrote {record.ValueWritten?.ToString() ?? "-"} {record.Outcome} clean={record.CompletedCleanly}");
            }
        }
        Assert.True(report.Violations.Count == 0, report.ToString());
        Assert.True(report.Acknowledged > 20, $"too little progress to mean anything: {report}");
        Assert.True(faults > 3, "the nemesis barely ran");
    }

    private static async Task IncrementLoopAsync(IMusicClient client, string name, string[] counters, CriticalSectionHistory history, System.Collections.Concurrent.ConcurrentQueue<string> failedPuts, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var key = counters[random.Next(counters.Length)];
            LockRef lockRef;
            try
            {
                lockRef = await client.CreateLockRefAsync([key]);
            }
            catch (MusicUnavailableException)
            {
                await Task.Delay(50);
                continue;
            }

            try
            {
                await client.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(3));
            }
            catch (Exception ex) when (ex is TimeoutException or LockLostException or MusicException)
            {
                await ReleaseQuietlyAsync(client, lockRef);
                continue;
            }

            var acquiredAt = Stopwatch.GetTimestamp();
            long? read = null;
            long? written = null;
            var outcome = HoldOutcome.Failed;
            try
            {
                read = CounterCodec.Decode(await client.CriticalGetAsync(lockRef, key));
                written = read + 1;
                await Task.Delay(random.Next(0, 3));
                try
                {
                    await client.CriticalPutAsync(lockRef, key, CounterCodec.Encode(written.Value));
                    outcome = lockRef.LossReason is null ? HoldOutcome.Acknowledged : HoldOutcome.Indeterminate;
                }
                catch (MusicTimeoutException)
                {
                    outcome = HoldOutcome.Indeterminate;
                }
                catch (LockLostException ex) when (ex.WriteMayHaveApplied)
                {
                    outcome = HoldOutcome.Indeterminate; // the hold ended while the write was in flight
                }
            }
            catch (Exception ex) when (ex is MusicException or LockLostException)
            {
                // Unavailable or lost before the put was sent: nothing written.
                if (written is not null)
                {
                    failedPuts.Enqueue($"{key} #{lockRef.FencingToken.Value} {name} wrote {written}: {ex.GetType().Name}: {ex.Message} <- {ex.InnerException?.GetType().Name}: {ex.InnerException?.Message}");
                }
            }

            var releaseStarted = Stopwatch.GetTimestamp();
            var completed = await ReleaseQuietlyAsync(client, lockRef) && lockRef.LossReason is null;
            history.Add(new HoldRecord
            {
                Client = name,
                Key = key,
                Ordinal = lockRef.FencingToken.Value,
                AcquiredAt = acquiredAt,
                ReleaseStartedAt = releaseStarted,
                CompletedCleanly = completed,
                ValueRead = read,
                ValueWritten = written,
                Outcome = outcome,
            });
        }
    }

    /// <summary>
    /// Releases, retrying while the lock service is out of reach (a cut site, a reconnecting session). A ticket whose
    /// release was given up on would stay queued for as long as its session lives and block the key: MusicClient
    /// keeps the ticket so the caller can retry, and a well-behaved caller does, as here (up to 30 s).
    /// </summary>
    private static async Task<bool> ReleaseQuietlyAsync(IMusicClient client, LockRef lockRef)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                await client.ReleaseLockAsync(lockRef);
                return true;
            }
            catch (MusicException)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }
}
