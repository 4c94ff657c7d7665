using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MusicRecipes.Bench;

/// <summary>
/// Throughput and latency of critical sections of k read-modify-writes, for each variant on one network: each k, first
/// with every client on its own key ("distinct"), then with all clients on one key ("contended").
/// </summary>
internal static class SectionBench
{
    /// <remarks>The variants take turns case by case, so a drift of the machine during the run (JIT, compaction,
    /// GC) spreads over all of them instead of favouring whichever ran first.</remarks>
    public static async Task<List<SectionResult>> RunAsync(IReadOnlyList<ISectionVariant> variants, BenchNetwork network, BenchSettings settings, CancellationToken cancellationToken)
    {
        var results = new List<SectionResult>();
        foreach (var k in settings.SectionSizes)
        {
            foreach (var (contended, variant) in new[] { false, true }.SelectMany(c => variants.Select(v => (c, v))))
            {
                var result = await RunCaseAsync(variant, network, settings, k, contended, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"  {network.Name,-8} {variant.Name,-14} k={k,-2} {result.Keys,-9} {result.Sections,5} sections {result.SectionsPerSecond,8:F1} sections/s {result.OpsPerSecond,8:F1} ops/s  p50 {result.P50Ms,8:F1} ms  p99 {result.P99Ms,8:F1} ms  errors {result.Errors} conflicts {result.Conflicts} check {result.Check}");
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>
    /// Runs each variant unmeasured for a moment first: the first sections pay for JIT compilation, prepared
    /// statements and the creation of lock nodes, which would otherwise be charged to whichever case runs first.
    /// </summary>
    public static async Task WarmUpAsync(IReadOnlyList<ISectionVariant> variants, BenchNetwork network, BenchSettings settings, CancellationToken cancellationToken)
    {
        var warmUp = settings with { CaseDuration = settings.Quick ? TimeSpan.Zero : TimeSpan.FromSeconds(1), MaxSectionsPerClient = settings.Quick ? 1 : 1000 };
        foreach (var variant in variants)
        {
            await RunCaseAsync(variant, network, warmUp, 2, contended: false, cancellationToken, tag: "warmup").ConfigureAwait(false);
        }
    }

    private static async Task<SectionResult> RunCaseAsync(ISectionVariant variant, BenchNetwork network, BenchSettings settings, int k, bool contended, CancellationToken cancellationToken, string tag = "")
    {
        tag += variant.Name.Replace(' ', '-').ToLowerInvariant();
        var mode = contended ? "contended" : "distinct";
        var keys = Enumerable.Range(0, settings.Clients)
            .Select(i => contended ? $"{network.Name}-{tag}-k{k}-one" : $"{network.Name}-{tag}-k{k}-c{i}")
            .ToArray();
        var distinctKeys = keys.Distinct().ToArray();
        var completed = distinctKeys.ToDictionary(key => key, _ => new StrongBox<long>());
        foreach (var key in distinctKeys)
        {
            await variant.PrepareKeyAsync(key, cancellationToken).ConfigureAwait(false);
        }

        var recorder = new LatencyRecorder();
        var errors = 0;
        var conflicts = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.CaseDuration.TotalSeconds * Stopwatch.Frequency);
        recorder.Start();
        await Task.WhenAll(Enumerable.Range(0, settings.Clients).Select(client => Task.Run(async () =>
        {
            for (var n = 0; n < settings.MaxSectionsPerClient && (n == 0 || Stopwatch.GetTimestamp() < deadline); n++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    Interlocked.Add(ref conflicts, await variant.RunSectionAsync(client, keys[client], k, completed[keys[client]], cancellationToken).ConfigureAwait(false));
                    recorder.Add(Stopwatch.GetElapsedTime(started));
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // A failed section is reported, not measured; the first of a case is printed to be explained.
                    if (Interlocked.Increment(ref errors) == 1)
                    {
                        Console.WriteLine($"    first error ({variant.Name}, k={k}, {mode}): {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        }, cancellationToken))).ConfigureAwait(false);
        recorder.Stop();

        return new SectionResult(
            network.Name, variant.Name, k, mode, recorder.Count, recorder.Throughput, recorder.Percentile(50), recorder.Percentile(99),
            errors, conflicts, await CheckCountersAsync(variant, completed, errors, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Every increment known to have taken effect must be in the final counter, and nothing else: a lost update
    /// (two holders at once, a stale critical read) makes the counter smaller. After a failed section an increment
    /// may have landed without being counted, so then the counter may be larger, by at most the failures.
    /// </summary>
    private static async Task<string> CheckCountersAsync(ISectionVariant variant, Dictionary<string, StrongBox<long>> completed, int errors, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var (key, expected) in completed)
        {
            var actual = await variant.ReadCounterAsync(key, cancellationToken).ConfigureAwait(false);
            if (actual < expected.Value || (errors == 0 && actual != expected.Value))
            {
                problems.Add($"{key}: counter {actual}, expected {expected.Value}");
            }
        }

        return problems.Count == 0 ? "ok" : "LOST UPDATES " + string.Join("; ", problems);
    }
}
