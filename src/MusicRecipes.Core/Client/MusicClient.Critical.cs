using System.Diagnostics;
using MusicRecipes.Storage;

namespace MusicRecipes;

// Critical reads and writes: only while the hold is valid, at the holder's fencing timestamp, and a write whose hold
// ended while it was in flight is reported as possibly applied (rule 6).
public sealed partial class MusicClient
{
    /// <inheritdoc />
    /// <remarks>
    /// When the hold knows the fencing timestamp of the key's newest acknowledged write — its own last put, its sync
    /// write-back, or what the previous holder recorded at its clean release — it reads the local replica first and
    /// takes the value only if it carries exactly that timestamp (timestamps are unique per write, and nobody else
    /// writes the key while it is held). Otherwise, or when the local replica is behind, it reads a quorum.
    /// </remarks>
    public async Task<byte[]?> CriticalGetAsync(LockRef lockRef, string key, CancellationToken cancellationToken = default)
    {
        MusicKey.Validate(key, nameof(key));
        var ordinal = EnsureMayRead(lockRef, key);
        var started = Stopwatch.GetTimestamp();
        if (lockRef.KnownWrite(lockRef.IndexOf(key)) is { } known)
        {
            using var local = StartActivity("music.critical_get", key, DataConsistency.One);
            local?.SetTag(MusicDiagnostics.OrdinalTag, ordinal);
            StoredValue? stored;
            try
            {
                stored = await _data.ReadAsync(key, DataConsistency.One, cancellationToken).ConfigureAwait(false);
            }
            catch (MusicException)
            {
                stored = null; // the local replica is out of reach: the quorum read below decides
            }

            var current = stored?.Timestamp == known;
            local?.SetTag("music.local_current", current);
            if (current)
            {
                MusicTelemetry.CriticalDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>(MusicDiagnostics.OperationTag, "get-local"));
                return stored!.Value;
            }
        }

        using var activity = StartActivity("music.critical_get", key, DataConsistency.Quorum);
        activity?.SetTag(MusicDiagnostics.OrdinalTag, ordinal);
        var latest = await _options.Resilience.ExecuteAsync(
            static (state, ct) => new ValueTask<StoredValue?>(state.Data.ReadAsync(state.Key, DataConsistency.Quorum, ct)),
            (Data: _data, Key: key), cancellationToken).ConfigureAwait(false);
        MusicTelemetry.CriticalDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>(MusicDiagnostics.OperationTag, "get"));
        return latest?.Value;
    }

    /// <inheritdoc />
    public async Task CriticalPutAsync(LockRef lockRef, string key, byte[] value, CancellationToken cancellationToken = default)
    {
        MusicKey.Validate(key, nameof(key));
        ValidateValue(value);
        var ordinal = EnsureMayWrite(lockRef, key);
        using var activity = StartActivity("music.critical_put", key, DataConsistency.Quorum);

        // Admitted before the sequence is taken: once a release has begun no put starts, so the release's decision
        // that the hold was clean cannot be overtaken by a put that then fails (rule 3).
        lockRef.BeginWrite();
        var timestamp = FencingTimestamp.ForCriticalWrite(ordinal, lockRef.NextSequence());
        activity?.SetTag(MusicDiagnostics.OrdinalTag, ordinal);
        var started = Stopwatch.GetTimestamp();
        var acknowledged = false;
        try
        {
            // Retrying is safe: the same value with the same timestamp is idempotent.
            await _options.Resilience.ExecuteAsync(
                static async (state, ct) => await state.Data.WriteAsync(state.Key, state.Value, state.Timestamp, DataConsistency.Quorum, ct).ConfigureAwait(false),
                (Data: _data, Key: key, Value: value, Timestamp: timestamp), cancellationToken).ConfigureAwait(false);

            // Rule 6: a write that returns after the hold ended (its lease ran out while the write was in flight) may
            // have landed after a successor synced the key, and the successor's write-back then overrides it. It is
            // not acknowledged: its outcome is unknown, as for a put that timed out (found by the model, docs/model.md).
            acknowledged = lockRef.Ticket.LossReason is null;
        }
        finally
        {
            var index = lockRef.IndexOf(key);
            if (acknowledged)
            {
                lockRef.NoteWrite(index, timestamp);
            }
            else
            {
                lockRef.ForgetWrite(index);
            }

            lockRef.EndWrite(acknowledged);
            MusicTelemetry.CriticalDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>(MusicDiagnostics.OperationTag, "put"));
        }

        if (!acknowledged)
        {
            throw new LockLostException(
                $"Ticket {lockRef} was lost ({lockRef.LossReason}) while its write of '{key}' was in flight; the write's outcome is unknown and a later holder's sync may override it.",
                lockRef.LossReason,
                writeMayHaveApplied: true);
        }
    }

    private long EnsureHolds(LockRef lockRef, string key)
    {
        EnsureOwned(lockRef);
        if (lockRef.IsReleasing)
        {
            throw new LockNotHeldException($"Ticket {lockRef} is being released; its critical section is over.");
        }

        EnsureUsable(lockRef);
        if (!lockRef.IsAcquired)
        {
            throw new LockNotHeldException($"Ticket {lockRef} has not acquired its keys yet; call AcquireLockAsync until it returns true.");
        }

        return lockRef.Ticket.OrdinalOf(key)
            ?? throw new LockNotHeldException($"Ticket {lockRef} does not lock key '{key}'; it locks {string.Join(", ", lockRef.Keys)}.");
    }

    private long EnsureMayWrite(LockRef lockRef, string key)
    {
        var ordinal = EnsureHolds(lockRef, key);
        return lockRef.Ticket.Mode.AllowsWrites
            ? ordinal
            : throw new LockNotHeldException($"Ticket {lockRef} is a {lockRef.Ticket.Mode} hold: it may not write; take an exclusive (writer) ticket to write '{key}'.");
    }

    private long EnsureMayRead(LockRef lockRef, string key)
    {
        var ordinal = EnsureHolds(lockRef, key);
        return lockRef.Ticket.Mode.AllowsReads
            ? ordinal
            : throw new LockNotHeldException($"Ticket {lockRef} is a semaphore permit: it locks no data; '{key}' cannot be read under it.");
    }

    private void EnsureUsable(LockRef lockRef)
    {
        EnsureOwned(lockRef);
        if (lockRef.IsReleased || lockRef.IsReleasing)
        {
            throw new LockLostException($"Ticket {lockRef} was released; a ticket is good for one critical section only. Create a new one.", reason: null);
        }

        if (lockRef.LossReason is not null)
        {
            throw LostException(lockRef);
        }
    }

    private void EnsureOwned(LockRef lockRef)
    {
        ArgumentNullException.ThrowIfNull(lockRef);
        ThrowIfDisposed();
        if (!ReferenceEquals(lockRef.Owner, this))
        {
            throw new UnknownLockRefException($"Ticket {lockRef} was not created by this client; a ticket belongs to the client (and lock session) that created it.", nameof(lockRef));
        }
    }

    private static LockLostException LostException(LockRef lockRef) =>
        new($"Ticket {lockRef} was lost ({lockRef.LossReason}); its holder must stop and start over with a new ticket.", lockRef.LossReason);
}
