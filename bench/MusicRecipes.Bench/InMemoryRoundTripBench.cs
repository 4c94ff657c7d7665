using System.Diagnostics;
using MusicRecipes.InMemory;

namespace MusicRecipes.Bench;

/// <summary>
/// On the in-memory backend with simulated inter-site latency: how many inter-site round trips each kind of
/// operation costs, and what that means in latency. A critical section of k operations should cost one lock
/// acquisition (and release) plus k quorum round trips; eventual operations none.
/// </summary>
internal static class InMemoryRoundTripBench
{
    public static async Task RunAsync(TimeSpan latency, int iterations)
    {
        Console.WriteLine($"## In-memory, 3 sites, {latency.TotalMilliseconds} ms between sites, {iterations} iterations each");
        await using var cluster = new InMemoryMusicCluster(3, new InMemoryClusterOptions { InterSiteLatency = latency });
        await using var client = cluster.CreateClient(0);
        var payload = new byte[64];

        await MeasureAsync(cluster, "eventual put", iterations, () => client.PutAsync("bench/eventual", payload));
        await MeasureAsync(cluster, "eventual get", iterations, () => client.GetAsync("bench/eventual"));
        var held = await client.CreateLockRefAsync(["bench/critical"]);
        await client.WaitForLockAsync(held, TimeSpan.FromSeconds(10));
        await MeasureAsync(cluster, "critical put", iterations, () => client.CriticalPutAsync(held, "bench/critical", payload));
        await MeasureAsync(cluster, "critical get", iterations, () => client.CriticalGetAsync(held, "bench/critical"));
        await client.ReleaseLockAsync(held);

        foreach (var k in new[] { 0, 1, 5, 20 })
        {
            await MeasureAsync(cluster, $"section k={k}", Math.Max(3, iterations / 4), async () =>
            {
                var lockRef = await client.CreateLockRefAsync(["bench/section"]);
                await client.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(10));
                for (var i = 0; i < k; i++)
                {
                    await client.CriticalPutAsync(lockRef, "bench/section", payload);
                }

                await client.ReleaseLockAsync(lockRef);
            });
        }
    }

    private static async Task MeasureAsync(InMemoryMusicCluster cluster, string name, int iterations, Func<Task> operation)
    {
        await operation(); // warm-up
        var recorder = new LatencyRecorder();
        var before = cluster.InterSiteRoundTrips;
        recorder.Start();
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await operation();
            recorder.Add(Stopwatch.GetElapsedTime(started));
        }

        recorder.Stop();
        var perOp = (double)(cluster.InterSiteRoundTrips - before) / iterations;
        Console.WriteLine($"  {name,-16} {perOp,5:F1} round trips/op  {recorder}");
    }
}
