using System.Diagnostics;

namespace MusicRecipes.Bench;

/// <summary>
/// Lock hand-off latency: client A holds the lock, client B is queued and parked in its wait; the clock runs from the
/// moment A starts releasing until B's acquire returns (A's release round trips, the notification or poll that
/// wakes B, and B's own acquire steps). Then the roles swap.
/// </summary>
internal static class HandOffBench
{
    /// <summary>Acquires the lock on a key (enqueue and wait) and returns the release.</summary>
    public delegate Task<Func<Task>> Acquire(string key, CancellationToken cancellationToken);

    public static async Task<OperationResult> RunAsync(BenchNetwork network, string name, Acquire first, Acquire second, BenchSettings settings, CancellationToken cancellationToken)
    {
        var key = $"{network.Name}-handoff-{name.Replace(' ', '-').Replace('/', '-').ToLowerInvariant()}";
        var sides = new[] { first, second };

        // Long enough for the waiter's enqueue and first head check to finish even across sites (an LWT enqueue and a
        // SERIAL head read are several round trips), so the waiter is really parked on its watch or poll when the
        // release starts.
        var park = TimeSpan.FromMilliseconds(100) + 20 * network.OneWay;
        var recorder = new LatencyRecorder();
        var errors = 0;
        var release = await sides[0](key, cancellationToken).ConfigureAwait(false);
        var holder = 0;
        recorder.Start();
        for (var i = 0; i < settings.HandOffs; i++)
        {
            var waiting = sides[1 - holder](key, cancellationToken);
            await Task.Delay(park, cancellationToken).ConfigureAwait(false);
            if (waiting.IsCompleted)
            {
                // Acquired while the other side still held the lock: a mutual-exclusion failure, or a failed wait.
                errors++;
                Console.WriteLine($"    {name}: hand-off {i}: the waiter finished while the lock was held ({waiting.Status}{(waiting.Exception is { } e ? ": " + e.GetBaseException().Message : string.Empty)})");
            }

            var started = Stopwatch.GetTimestamp();
            await release().ConfigureAwait(false);
            release = await waiting.ConfigureAwait(false);
            recorder.Add(Stopwatch.GetElapsedTime(started));
            holder = 1 - holder;
        }

        recorder.Stop();
        await release().ConfigureAwait(false);
        var result = new OperationResult(network.Name, "hand-off " + name, recorder.Count, 1000 / recorder.Percentile(50), recorder.Percentile(50), recorder.Percentile(99), errors);
        Console.WriteLine($"  {network.Name,-8} hand-off {name,-28} {result.Count,4}  p50 {result.P50Ms,7:F1} ms  p99 {result.P99Ms,7:F1} ms  errors {errors}");
        return result;
    }

    /// <summary>A MUSIC client's lock as a hand-off side.</summary>
    public static Acquire Music(MusicClient client) => async (key, ct) =>
    {
        var lockRef = await client.CreateLockRefAsync([key], ct).ConfigureAwait(false);
        await client.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        return () => client.ReleaseLockAsync(lockRef, CancellationToken.None);
    };

    /// <summary>The plain ZooKeeper lock of the ZooKeeper-only variant as a hand-off side.</summary>
    public static Acquire PlainZooKeeper(ZooKeeper.ZooKeeperClient client, string lockRoot) => async (key, ct) =>
    {
        var directory = $"{lockRoot}/{key}";
        await client.EnsurePathAsync(directory, ct).ConfigureAwait(false);
        var path = await ZooKeeperPlainLock.AcquireAsync(client, directory, ct).ConfigureAwait(false);
        return () => ZooKeeperPlainLock.ReleaseAsync(client, path, CancellationToken.None);
    };
}
