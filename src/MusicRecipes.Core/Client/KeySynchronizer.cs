using MusicRecipes.Locking;
using MusicRecipes.Storage;
using Polly;

namespace MusicRecipes;

/// <summary>
/// The sync step of acquire (rule 3 of docs/design.md): read the key at QUORUM and write the value back at QUORUM with
/// the new holder's own fencing timestamp, at a sequence of the hold's own that no other write of the hold uses.
/// </summary>
/// <remarks>
/// The write-back is what makes the key stable: a partial write of the old holder sits on a minority with a
/// smaller ordinal, so whichever majority a later read meets, the write-back (or a later write) wins. When the
/// quorum read finds no value the write-back is a tombstone for the same reason — a partial write that the read
/// missed must not surface later. Writing back even an unchanged value costs one quorum round trip and is only
/// done after an unclean release. A write-back that fails may be tried again by a later acquire attempt, whose quorum
/// read may return another value (a partial write it now meets); each attempt therefore takes a fresh, higher sequence,
/// so two write-backs never carry one timestamp with different values (Cassandra would pick between them by value).
/// Retries inside one attempt (the resilience pipeline) resend the same value with the same timestamp: idempotent.
/// </remarks>
internal sealed class KeySynchronizer(IDataStore data, ResiliencePipeline resilience)
{
    /// <summary>Syncs the key and returns the fencing timestamp of the write-back.</summary>
    public async Task<long> SyncAsync(TicketPosition position, long sequence, CancellationToken cancellationToken)
    {
        using var activity = MusicTelemetry.Source.StartActivity("music.sync");
        activity?.SetTag(MusicDiagnostics.KeyTag, position.Key);
        activity?.SetTag(MusicDiagnostics.OrdinalTag, position.Ordinal);
        var current = await resilience.ExecuteAsync(
            static (state, ct) => new ValueTask<StoredValue?>(state.data.ReadAsync(state.Key, DataConsistency.Quorum, ct)),
            (data, position.Key), cancellationToken).ConfigureAwait(false);
        var timestamp = FencingTimestamp.ForCriticalWrite(position.Ordinal, sequence);
        await resilience.ExecuteAsync(
            static async (state, ct) => await state.data.WriteAsync(state.Key, state.Value, state.timestamp, DataConsistency.Quorum, ct).ConfigureAwait(false),
            (data, position.Key, current?.Value, timestamp), cancellationToken).ConfigureAwait(false);
        MusicTelemetry.Syncs.Add(1);
        return timestamp;
    }
}
