using MusicRecipes.Locking;
using MusicRecipes.Storage;
using Polly;

namespace MusicRecipes;

/// <summary>
/// The sync step of acquire (DESIGN.md §2 rule 3): read the key at QUORUM and write the value back at QUORUM with
/// the new holder's own fencing timestamp (sequence 0).
/// </summary>
/// <remarks>
/// The write-back is what makes the key stable: a partial write of the old holder sits on a minority with a
/// smaller ordinal, so whichever majority a later read meets, the write-back (or a later write) wins. When the
/// quorum read finds no value the write-back is a tombstone for the same reason — a partial write that the read
/// missed must not surface later. Writing back even an unchanged value costs one quorum round trip and is only
/// done after an unclean release.
/// </remarks>
internal sealed class KeySynchronizer(IDataStore data, ResiliencePipeline resilience)
{
    public async Task SyncAsync(TicketPosition position, CancellationToken cancellationToken)
    {
        using var activity = MusicTelemetry.Source.StartActivity("music.sync");
        activity?.SetTag(MusicTelemetry.KeyTag, position.Key);
        activity?.SetTag(MusicTelemetry.OrdinalTag, position.Ordinal);
        var current = await resilience.ExecuteAsync(
            static (state, ct) => new ValueTask<StoredValue?>(state.data.ReadAsync(state.Key, DataConsistency.Quorum, ct)),
            (data, position.Key), cancellationToken).ConfigureAwait(false);
        var timestamp = FencingTimestamp.ForCriticalWrite(position.Ordinal, sequence: 0);
        await resilience.ExecuteAsync(
            static async (state, ct) => await state.data.WriteAsync(state.Key, state.Value, state.timestamp, DataConsistency.Quorum, ct).ConfigureAwait(false),
            (data, position.Key, current?.Value, timestamp), cancellationToken).ConfigureAwait(false);
        MusicTelemetry.Syncs.Add(1);
    }
}
