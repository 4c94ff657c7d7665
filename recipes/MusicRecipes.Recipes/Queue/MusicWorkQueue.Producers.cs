using System.Globalization;
using System.Text;
using System.Text.Json;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Queue;

// Producers: each registers once and numbers its submissions from a critically read high-water mark, so a sequence
// number is never reused, even by a restarted producer.
public sealed partial class MusicWorkQueue
{
    private async Task EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _registered))
        {
            return;
        }

        await _submitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_registered)
            {
                return;
            }

            var key = RecipeKeys.QueueProducers(Name);
            string stream;
            var section = await new MusicMutex(_client, new[] { key }, _logger).AcquireAsync(_options.LockTimeout, cancellationToken).ConfigureAwait(false);
            await using (section.ConfigureAwait(false))
            {
                // A stream of this instance's own, decided under the registry's lock: no other instance, earlier or
                // concurrent, can be given the same one (ProducerStreams explains why numbers cannot just continue).
                var producers = await ReadProducersAsync((k, ct) => section.GetAsync(k, ct), cancellationToken).ConfigureAwait(false);
                stream = ProducerStreams.Choose(producers, ProducerId);
                await section.PutJsonAsync(key, producers.Append(stream).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);

                // Acknowledged while still holding, or a successor's sync may not have seen it: then the stream would
                // be missing from the registry and its items never discovered.
                if (!section.IsHeld)
                {
                    throw new LockLostException($"The lock of the registry of queue {Name} was lost while registering producer {ProducerId}; the next submit registers again.", section.LossReason);
                }
            }

            // Only once the registration is acknowledged: a failed one is redone, with a stream chosen afresh.
            _stream = stream;
            _sequence = 0;
            Volatile.Write(ref _registered, true);
            _logger.ProducerRegistered(ProducerId, Name, stream);
        }
        finally
        {
            _submitGate.Release();
        }
    }

    private async Task<string[]> ReadProducersAsync(Func<string, CancellationToken, Task<byte[]?>> read, CancellationToken cancellationToken)
    {
        var bytes = await read(RecipeKeys.QueueProducers(Name), cancellationToken).ConfigureAwait(false);
        return bytes is null ? Array.Empty<string>() : JsonSerializer.Deserialize<string[]>(bytes) ?? Array.Empty<string>();
    }

    /// <summary>Fixed width, so that on equal write timestamps the larger value — the larger mark — wins.</summary>
    private static byte[] EncodeMark(long sequence) => Encoding.ASCII.GetBytes(sequence.ToString("D19", CultureInfo.InvariantCulture));

    private static long DecodeMark(byte[]? bytes) => bytes is null ? 0 : long.Parse(Encoding.ASCII.GetString(bytes), CultureInfo.InvariantCulture);
}
