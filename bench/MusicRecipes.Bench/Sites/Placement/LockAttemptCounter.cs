using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MusicRecipes.Bench;

/// <summary>
/// Listens to the work queue's <c>music.recipe.queue.lock_attempts</c> counter in this process and sums it by outcome
/// (claimed, busy, settled): how many item lock attempts the MUSIC placement spent for nothing.
/// </summary>
internal sealed class LockAttemptCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _byOutcome = new(StringComparer.Ordinal);

    public LockAttemptCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "music.recipe.queue.lock_attempts")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "music.outcome" && tag.Value is string outcome)
                {
                    _byOutcome.AddOrUpdate(outcome, value, (_, sum) => sum + value);
                }
            }
        });
        _listener.Start();
    }

    public long Of(string outcome) => _byOutcome.TryGetValue(outcome, out var sum) ? sum : 0;

    public void Dispose() => _listener.Dispose();
}
