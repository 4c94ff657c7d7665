using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using MusicRecipes.InMemory;
using MusicRecipes.Recipes.Barriers;
using MusicRecipes.Recipes.Leader;
using MusicRecipes.Recipes.Locks;
using MusicRecipes.Recipes.Queue;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>
/// Recipe steps emit spans and metrics on the "MusicRecipes" source and meter, and the OpenTelemetry extension methods
/// enable them. Other tests run in parallel and emit too, so spans are matched by this test's unique names.
/// </summary>
public sealed class TelemetryTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly InMemoryMusicCluster _cluster = new(3);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Every_recipe_step_emits_a_span_with_its_attributes_and_metrics_are_recorded()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MusicDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var measured = new ConcurrentDictionary<string, int>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MusicDiagnostics.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, _, _, _) => measured.AddOrUpdate(instrument.Name, 1, (_, n) => n + 1));
        meters.SetMeasurementEventCallback<double>((instrument, _, _, _) => measured.AddOrUpdate(instrument.Name, 1, (_, n) => n + 1));
        meters.Start();

        var client = _cluster.CreateClient(0);
        var key = $"telemetry-{_suffix}";
        await using (var section = await new MusicMutex(client, new[] { key }).AcquireAsync(Patience))
        {
            await section.PutStringAsync(key, "x");
        }

        var group = $"group-{_suffix}";
        await using (var term = await new MusicLeaderElection(client, group).WaitForLeadershipAsync())
        {
            Assert.True(term.IsValid);
        }

        var queue = new MusicWorkQueue(client, $"queue-{_suffix}");
        await queue.SubmitStringAsync("job");
        await using (var claim = await queue.ClaimNextAsync().WaitAsync(Patience))
        {
            await claim.CompleteAsync();
        }

        var barrier = new MusicBarrier(client, $"barrier-{_suffix}");
        await barrier.SetBarrierAsync();
        await barrier.RemoveBarrierAsync();
        await barrier.WaitOnBarrierAsync();

        meters.RecordObservableInstruments();
        var mine = spans.Where(IsMine).ToArray();
        var names = mine.Select(a => a.OperationName).ToHashSet();
        foreach (var expected in new[]
        {
            "music.recipe.mutex.acquire", "music.recipe.mutex.release", "music.recipe.leader.elect", "music.recipe.leader.step_down",
            "music.recipe.queue.submit", "music.recipe.queue.claim", "music.recipe.queue.complete",
            "music.recipe.barrier.set", "music.recipe.barrier.remove", "music.recipe.barrier.wait",
        })
        {
            Assert.Contains(expected, names);
        }

        var acquire = mine.First(a => a.OperationName == "music.recipe.mutex.acquire" && (string?)a.GetTagItem("music.keys") == key);
        Assert.Equal("site-0", acquire.GetTagItem("music.site"));
        Assert.Equal("mutex", acquire.GetTagItem("music.recipe"));
        Assert.NotNull(acquire.GetTagItem("music.ordinal"));
        var elect = mine.First(a => a.OperationName == "music.recipe.leader.elect");
        Assert.Equal(group, elect.GetTagItem("music.group"));
        Assert.NotNull(elect.GetTagItem("music.fencing_token"));
        Assert.Contains(mine, a => a.OperationName == "music.recipe.queue.claim" && a.GetTagItem("music.item") is string);

        Assert.True(measured.ContainsKey("music.recipe.mutex.hold"));
        Assert.True(measured.ContainsKey("music.recipe.leader.terms"));
        Assert.True(measured.ContainsKey("music.recipe.queue.items"));
        Assert.True(measured.ContainsKey("music.lock.acquisitions"));
    }

    [Fact]
    public async Task The_OpenTelemetry_extensions_enable_the_source_and_the_meter()
    {
        var exported = new ConcurrentQueue<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddMusicRecipesInstrumentation()
            .AddProcessor(new CollectingProcessor(exported))
            .Build();
        var metricNames = new ConcurrentQueue<string>();
        using var metering = Sdk.CreateMeterProviderBuilder()
            .AddMusicRecipesInstrumentation()
            .AddReader(new BaseExportingMetricReader(new CollectingExporter(metricNames)))
            .Build();

        var client = _cluster.CreateClient(1);
        var key = $"otel-{_suffix}";
        await using (await new MusicMutex(client, new[] { key }).AcquireAsync(Patience))
        {
        }

        metering!.ForceFlush();
        Assert.Contains(exported, a => a.OperationName == "music.recipe.mutex.acquire" && (string?)a.GetTagItem("music.keys") == key);
        Assert.Contains("music.recipe.mutex.hold", metricNames);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private bool IsMine(Activity activity) =>
        activity.TagObjects.Any(t => t.Value is string s && s.Contains(_suffix, StringComparison.Ordinal))
        || activity.Parent is { } parent && IsMine(parent);

    private sealed class CollectingProcessor(ConcurrentQueue<Activity> exported) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => exported.Enqueue(data);
    }

    private sealed class CollectingExporter(ConcurrentQueue<string> names) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                names.Enqueue(metric.Name);
            }

            return ExportResult.Success;
        }
    }
}
