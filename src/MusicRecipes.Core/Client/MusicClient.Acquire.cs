using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;

namespace MusicRecipes;

// Acquiring (rules 1-3): waiting for the head of every queue, then making each key's replicas agree before the
// holder reads — skipped when the key state proves the last holder released cleanly.
public sealed partial class MusicClient
{
    /// <inheritdoc />
    public async Task<bool> AcquireLockAsync(LockRef lockRef, CancellationToken cancellationToken = default)
    {
        EnsureUsable(lockRef);
        if (lockRef.IsAcquired)
        {
            return true;
        }

        using var activity = MusicTelemetry.Source.StartActivity("music.acquire_lock");
        activity?.SetTag(MusicDiagnostics.TicketTag, lockRef.ToString());

        // Rule 1: the head is read with strong consistency by the lock store, and with it the keys' states.
        var head = await _options.Resilience.ExecuteAsync(
            static (state, ct) => new ValueTask<HeadCheck>(state.Locks.CheckHeadAsync(state.Ticket, ct)),
            (Locks: _locks, lockRef.Ticket), cancellationToken).ConfigureAwait(false);
        if (head.Status == HeadStatus.Gone)
        {
            // Someone removed the ticket (forced release) or its session expired before we noticed. A lock store that
            // knows the reason has signalled it already, and the first reason wins.
            throw Lost(lockRef, LockLossReason.ForciblyReleased);
        }

        if (head.Status == HeadStatus.Waiting)
        {
            activity?.SetTag("music.acquired", false);
            return false;
        }

        // The lease clock starts before the acquisition is recorded, so the holder's own deadline is never later
        // than the one other clients compute from the recorded time (rule 6). It starts once per ticket: an attempt
        // whose record went through but whose reply was lost is retried over a state that already names this ticket,
        // and a clock restarted then would end the holder's hold after the others' view of it.
        var leaseStart = lockRef.LeaseStartOnce(_options.TimeProvider.GetTimestamp());
        var positions = lockRef.Ticket.Positions;
        var states = head.KeyStates is { } read && read.Count == positions.Count ? read : null;
        if (!await PrepareKeysAsync(lockRef, states, cancellationToken).ConfigureAwait(false))
        {
            activity?.SetTag("music.acquired", false);
            return false; // a reader that must sync first waits until it is first in every queue
        }

        StartLeaseTimer(lockRef, leaseStart);

        // Reads the session's lease and the hold lease against the clock (rule 6): a holder that stalled in here past
        // either is told now, not given the lock.
        if (lockRef.Ticket.LossReason is not null)
        {
            throw LostException(lockRef);
        }

        lockRef.MarkHeld();
        MusicTelemetry.Acquisitions.Add(1);
        activity?.SetTag("music.acquired", true);
        _logger.LogDebug("Acquired {Ticket}", lockRef);
        return true;
    }

    /// <inheritdoc />
    public async Task WaitForLockAsync(LockRef lockRef, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be non-negative or infinite.");
        }

        EnsureUsable(lockRef);
        if (timeout == TimeSpan.Zero)
        {
            // A zero timeout still gets one look at the queue (a try-lock), not an immediate timeout.
            if (await AcquireLockAsync(lockRef, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            throw await LockTimeoutAsync(lockRef, timeout, cancellationToken).ConfigureAwait(false);
        }

        using var activity = MusicTelemetry.Source.StartActivity("music.wait_for_lock");
        activity?.SetTag(MusicDiagnostics.TicketTag, lockRef.ToString());
        var started = Stopwatch.GetTimestamp();
        using var timeoutSource = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await new LockWaiter(this, _locks, _options, lockRef).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw await LockTimeoutAsync(lockRef, timeout, cancellationToken).ConfigureAwait(false);
        }

        MusicTelemetry.LockWait.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The timeout of a wait, naming the ticket ahead of the waiter (read best-effort, briefly).</summary>
    private async Task<LockTimeoutException> LockTimeoutAsync(LockRef lockRef, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var holder = await _queueReader.FindBlockerAsync(lockRef, cancellationToken).ConfigureAwait(false);
        return new LockTimeoutException(
            $"Ticket {lockRef} did not acquire its keys within {timeout}; it is still queued, {LockTimeoutException.Describe(holder)}.",
            lockRef.Keys, timeout, holder);
    }

    /// <summary>
    /// Makes the ticket's keys ready for it, by its mode. A writer (exclusive) records and syncs each key
    /// (<see cref="PrepareKeyAsync"/>). A semaphore permit locks no data: nothing to do. A reader changes nothing when
    /// every key was left clean — readers hold together, and none of them writes — but a key left unclean must be
    /// synced, and one holder syncs alone (rule 3): the reader then waits until it is first in every queue
    /// (<see cref="LockTicket.HoldAlone"/>) and prepares its keys as a writer would; its clean release leaves them clean.
    /// Returns <c>false</c> when the reader must wait for that first.
    /// </summary>
    private async Task<bool> PrepareKeysAsync(LockRef lockRef, IReadOnlyList<VersionedKeyState>? states, CancellationToken cancellationToken)
    {
        var ticket = lockRef.Ticket;
        if (ticket.Mode.Kind == TicketModeKind.Permits)
        {
            return true;
        }

        if (ticket.HoldRule.Kind == TicketModeKind.Shared)
        {
            var known = new long?[ticket.Positions.Count];
            for (var i = 0; i < ticket.Positions.Count; i++)
            {
                var position = ticket.Positions[i];
                var state = (states?[i] ?? await ReadKeyStateAsync(position.Key, cancellationToken).ConfigureAwait(false)).State;
                if (state.NeedsSyncBefore(position.Ordinal) || state.IsAcquiredBy(position.Ordinal))
                {
                    ticket.HoldAlone();
                    _logger.LogDebug("Reader {Ticket} found {Key} unclean; it syncs it once it is first in every queue", lockRef, position.Key);
                    return false;
                }

                known[i] = state.KnownLastWriteFor(position.Ordinal);
            }

            for (var i = 0; i < known.Length; i++)
            {
                if (known[i] is { } lastWrite)
                {
                    lockRef.NoteWrite(i, lastWrite);
                }
            }

            return true;
        }

        for (var i = 0; i < ticket.Positions.Count; i++)
        {
            await PrepareKeyAsync(lockRef, i, states?[i], cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>A key's lock state, strongly read (retried by the resilience pipeline: a read changes nothing).</summary>
    private Task<VersionedKeyState> ReadKeyStateAsync(string key, CancellationToken cancellationToken) =>
        _options.Resilience.ExecuteAsync(
            static (s, ct) => new ValueTask<VersionedKeyState>(s.Locks.GetKeyStateAsync(s.Key, ct)),
            (Locks: _locks, Key: key), cancellationToken).AsTask();

    /// <summary>
    /// Makes one key ready for a new holder (rule 3): record the acquisition first, with one compare-and-set that is
    /// conditional on the ticket still being queued (rule 6), then sync if the previous holder was unclean. Recording
    /// first means that a holder that stops anywhere after it — even half-way through its sync write-back — leaves the
    /// key marked as acquired and never cleanly released, so the next holder syncs.
    /// </summary>
    private async Task PrepareKeyAsync(LockRef lockRef, int index, VersionedKeyState? read, CancellationToken cancellationToken)
    {
        var position = lockRef.Ticket.Positions[index];
        while (true)
        {
            var state = read ?? await ReadKeyStateAsync(position.Key, cancellationToken).ConfigureAwait(false);
            read = null;

            bool sync;
            if (state.State.LastAcquired > position.Ordinal)
            {
                // A later ticket acquired the key: ours was removed before it could record.
                throw Lost(lockRef, LockLossReason.ForciblyReleased);
            }
            else if (state.State.IsAcquiredBy(position.Ordinal))
            {
                // An earlier attempt of this acquire recorded; unless it also finished the sync, sync now (always safe).
                sync = !lockRef.IsSynced(index);
            }
            else
            {
                sync = state.State.NeedsSyncBefore(position.Ordinal);
                var recorded = await _locks.TryRecordAcquiredAsync(lockRef.Ticket, position, state, cancellationToken).ConfigureAwait(false);
                if (recorded == RecordResult.TicketGone)
                {
                    throw Lost(lockRef, LockLossReason.ForciblyReleased);
                }

                if (recorded == RecordResult.StateChanged)
                {
                    _logger.LogDebug("The lock state of {Key} changed after {Ordinal} read it; reading it again", position.Key, position.Ordinal);
                    continue;
                }

                // Recorded over exactly this state: what the previous clean holder wrote last is the key's newest write.
                if (state.State.KnownLastWriteFor(position.Ordinal) is { } lastWrite)
                {
                    lockRef.NoteWrite(index, lastWrite);
                }

                // Recorded over a state naming no holder at all: nobody ever acquired the key, so nobody wrote it
                // critically (rule 3: the record comes before any write, and records only move forward).
                if (state.State.LastAcquired is null)
                {
                    lockRef.MarkFirstHolder(index);
                }
            }

            if (sync)
            {
                // Each attempt writes back with a sequence of its own (rule 2): two write-backs of different values
                // never share a timestamp.
                lockRef.NoteWrite(index, await _synchronizer.SyncAsync(position, lockRef.NextSequence(), cancellationToken).ConfigureAwait(false));
                _logger.LogInformation("Synchronised {Key} for {Ordinal}: the previous holder {Previous} did not release cleanly", position.Key, position.Ordinal, state.State.LastAcquired);
            }

            lockRef.MarkSynced(index);
            return;
        }
    }
}
