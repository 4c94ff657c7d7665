using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace MusicRecipes.InMemory.Tests;

/// <summary>Spans and metrics are really emitted under the one name "MusicRecipes" (docs/design.md §5).</summary>
[Collection("telemetry")]
public sealed class TelemetryTests
{
    [Fact]
    public async Task Every_MUSIC_operation_emits_a_span_and_the_lock_metrics_are_recorded()
    {
        var key = $"telemetry-{Guid.NewGuid():N}";
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MusicDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var measurements = new List<string>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MusicDiagnostics.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, _, _, _) => { lock (measurements) { measurements.Add(instrument.Name); } });
        meterListener.SetMeasurementEventCallback<double>((instrument, _, _, _) => { lock (measurements) { measurements.Add(instrument.Name); } });
        meterListener.Start();

        await using var cluster = new InMemoryMusicCluster(3);
        await using var client = cluster.CreateClient(1);
        await client.PutAsync(key, Encoding.UTF8.GetBytes("v"));
        await client.GetAsync(key);
        var lockRef = await client.CreateLockRefAsync([key]);
        await client.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(5));
        await client.CriticalPutAsync(lockRef, key, Encoding.UTF8.GetBytes("w"));
        await client.CriticalGetAsync(lockRef, key);
        await client.ReleaseLockAsync(lockRef);

        string[] names;
        lock (spans)
        {
            names = spans.Where(s => Equals(s.GetTagItem("music.key"), key) || (s.GetTagItem("music.ticket") as string)?.Contains(key) == true || (s.GetTagItem("music.keys") as string) == key).Select(s => s.OperationName).ToArray();
        }

        foreach (var expected in new[] { "music.put", "music.get", "music.create_lock_ref", "music.acquire_lock", "music.wait_for_lock", "music.critical_put", "music.critical_get", "music.release_lock" })
        {
            Assert.Contains(expected, names);
        }

        var put = spans.First(s => s.OperationName == "music.critical_put" && Equals(s.GetTagItem("music.key"), key));
        Assert.Equal("Quorum", put.GetTagItem("music.consistency"));
        Assert.Equal("site-1", put.GetTagItem("music.site"));
        Assert.Equal(lockRef.FencingToken.Value, put.GetTagItem("music.ordinal"));

        meterListener.RecordObservableInstruments();
        lock (measurements)
        {
            Assert.Contains("music.lock.acquisitions", measurements);
            Assert.Contains("music.lock.wait", measurements);
            Assert.Contains("music.critical.duration", measurements);
        }
    }
}
