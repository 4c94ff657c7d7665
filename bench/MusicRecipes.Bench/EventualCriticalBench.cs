using System.Diagnostics;

namespace MusicRecipes.Bench;

/// <summary>
/// MUSIC's eventual put/get (LOCAL_ONE, the local site) against its critical put/get (QUORUM, with the lock held), on
/// the real Cassandra cluster. Every client works on its own key; for critical operations each client holds the lock
/// on its key for the whole measurement, so only the data operation is timed.
/// </summary>
internal static class EventualCriticalBench
{
    public static async Task<List<OperationResult>> RunAsync(IReadOnlyList<MusicClient> clients, BenchNetwork network, BenchSettings settings, CancellationToken cancellationToken)
    {
        var payload = Counter.Encode(42);
        var results = new List<OperationResult>
        {
            await MeasureAsync(network, "eventual put", clients.Count, settings, (i, ct) => clients[i].PutAsync(EventualKey(network, i), payload, ct), cancellationToken).ConfigureAwait(false),
            await MeasureAsync(network, "eventual get", clients.Count, settings, (i, ct) => clients[i].GetAsync(EventualKey(network, i), ct), cancellationToken).ConfigureAwait(false),
        };

        var held = new LockRef[clients.Count];
        for (var i = 0; i < clients.Count; i++)
        {
            held[i] = await clients[i].CreateLockRefAsync([CriticalKey(network, i)], cancellationToken).ConfigureAwait(false);
            await clients[i].WaitForLockAsync(held[i], TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }

        try
        {
            results.Add(await MeasureAsync(network, "critical put", clients.Count, settings, (i, ct) => clients[i].CriticalPutAsync(held[i], CriticalKey(network, i), payload, ct), cancellationToken).ConfigureAwait(false));
            results.Add(await MeasureAsync(network, "critical get", clients.Count, settings, (i, ct) => clients[i].CriticalGetAsync(held[i], CriticalKey(network, i), ct), cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            for (var i = 0; i < clients.Count; i++)
            {
                await clients[i].ReleaseLockAsync(held[i], CancellationToken.None).ConfigureAwait(false);
            }
        }

        return results;
    }

    private static string EventualKey(BenchNetwork network, int client) => $"{network.Name}-eventual-{client}";

    private static string CriticalKey(BenchNetwork network, int client) => $"{network.Name}-critical-{client}";

    private static async Task<OperationResult> MeasureAsync(BenchNetwork network, string name, int clients, BenchSettings settings, Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        // Shorter than a section case: single operations reach a steady rate quickly.
        var duration = settings.CaseDuration / 2;
        var maxPerClient = settings.Quick ? 5 : 20_000;
        var recorder = new LatencyRecorder();
        var errors = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await operation(0, cancellationToken).ConfigureAwait(false); // warm-up: prepared statements, connections
        recorder.Start();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (var n = 0; n < maxPerClient && Stopwatch.GetTimestamp() < deadline; n++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await operation(client, cancellationToken).ConfigureAwait(false);
                    recorder.Add(Stopwatch.GetElapsedTime(started));
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref errors) == 1)
                    {
                        Console.WriteLine($"    first error ({name}): {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        }, cancellationToken))).ConfigureAwait(false);
        recorder.Stop();
        var result = new OperationResult(network.Name, name, recorder.Count, recorder.Throughput, recorder.Percentile(50), recorder.Percentile(99), errors);
        Console.WriteLine($"  {network.Name,-8} {name,-14} {result.Count,6} ops {result.PerSecond,9:F1} ops/s  p50 {result.P50Ms,7:F2} ms  p99 {result.P99Ms,7:F2} ms  errors {errors}");
        return result;
    }
}
