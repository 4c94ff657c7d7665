using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;

namespace MusicRecipes;

// Releasing: no new puts, wait for those in flight, then a clean release only if every write of the hold landed
// (rule 3); forced removal of another client's ticket.
public sealed partial class MusicClient
{
    /// <inheritdoc />
    public Task ReleaseLockAsync(LockRef lockRef, CancellationToken cancellationToken = default)
    {
        EnsureOwned(lockRef);
        return ReleaseCoreAsync(lockRef, cancellationToken);
    }

    private async Task ReleaseCoreAsync(LockRef lockRef, CancellationToken cancellationToken)
    {
        if (lockRef.IsReleased)
        {
            return;
        }

        using var activity = MusicTelemetry.Source.StartActivity("music.release_lock");
        activity?.SetTag(MusicDiagnostics.TicketTag, lockRef.ToString());

        // Rule 3: no put may start once the release began, and the hold is judged clean only after the puts in flight
        // are done — a put that failed after the judgement would otherwise be covered by a clean release.
        lockRef.BeginRelease();
        var clean = false;
        try
        {
            await lockRef.WhenWritesDrainedAsync(cancellationToken).ConfigureAwait(false);
            clean = lockRef.WasAcquired && lockRef.LossReason is null && lockRef.IsClean;
            activity?.SetTag("music.clean", clean);
            var record = clean ? lockRef.ToCleanRelease() : null;

            // Rule 3: a clean release is recorded only when every write of the hold was acknowledged, and the store
            // records it no later than the ticket leaves its queues (in the same atomic step where it can), so a crash
            // in between still counts as clean — which is true. Retrying is safe: a record the store can no longer
            // make (the ticket is gone, someone else acquired) is simply skipped, and unclean is always safe.
            await _options.Resilience.ExecuteAsync(
                static async (state, ct) => await state.Locks.ReleaseAsync(state.Ticket, state.record, ct).ConfigureAwait(false),
                (Locks: _locks, lockRef.Ticket, record), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when ((MusicErrors.IsCoordinationFailure(ex) || ex is OperationCanceledException) && Volatile.Read(ref _disposed) == 0)
        {
            // Not confirmed (or cancelled by the caller at any step): the ticket may still be queued, and would block
            // the keys for as long as this session lives. The client keeps removing it in the background (guaranteed
            // release); the caller still learns that the release is unconfirmed, and may retry it too — removal is
            // idempotent. The background removal records no clean release: unclean is always safe.
            _remover.RemoveInBackground(lockRef, () => CompleteRelease(lockRef, clean: false));
            throw;
        }

        CompleteRelease(lockRef, clean);
    }

    private void CompleteRelease(LockRef lockRef, bool clean)
    {
        if (lockRef.MarkReleased())
        {
            _outstanding.TryRemove(lockRef.Id, out _);
            StopLeaseTimer(lockRef);
            _logger.LogDebug("Released {Ticket} (clean: {Clean})", lockRef, clean);
        }
    }

    internal async Task<bool> ForceRemoveAsync(QueueEntry entry, string why, CancellationToken cancellationToken)
    {
        using var activity = MusicTelemetry.Source.StartActivity("music.force_release");
        activity?.SetTag(MusicDiagnostics.KeyTag, entry.Position.Key);
        activity?.SetTag(MusicDiagnostics.OrdinalTag, entry.Position.Ordinal);
        var removed = await _locks.ForceRemoveAsync(entry, cancellationToken).ConfigureAwait(false);
        if (removed)
        {
            MusicTelemetry.ForcedReleases.Add(1);
            _logger.LogWarning("Forcibly released ticket {TicketId} of session {SessionId} on {Key}#{Ordinal} ({Why}); its keys stay unsynced", entry.TicketId, entry.SessionId, entry.Position.Key, entry.Position.Ordinal, why);
        }

        return removed;
    }
}
