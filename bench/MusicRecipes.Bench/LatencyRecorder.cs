using System.Diagnostics;

namespace MusicRecipes.Bench;

/// <summary>Collects per-operation latencies and reports throughput, p50 and p99.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _millis = new();
    private readonly Stopwatch _wall = new();

    public void Start() => _wall.Start();

    public void Stop() => _wall.Stop();

    public void Add(TimeSpan latency)
    {
        lock (_millis)
        {
            _millis.Add(latency.TotalMilliseconds);
        }
    }

    public int Count => _millis.Count;

    public double Throughput => Count / _wall.Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        lock (_millis)
        {
            if (_millis.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _millis.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        }
    }

    public override string ToString() => $"{Count,6} ops {Throughput,9:F1} ops/s  p50 {Percentile(50),8:F2} ms  p99 {Percentile(99),8:F2} ms";
}
