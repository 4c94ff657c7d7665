using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes;

/// <summary>
/// The MUSIC algorithms, written once over any <see cref="IDataStore"/> (the AP replicas) and
/// <see cref="ILockStore"/> (the CP lock queues). Every backend is this class with other stores.
/// </summary>
/// <remarks>
/// <para>Acquire: one strong read of the ticket's queue heads and its keys' lock states (rule 1); for each key, if the
/// last holder did not record a clean release, read the key at QUORUM and write it back at QUORUM with this ticket's
/// fencing timestamp (rule 3), then record the acquisition with a compare-and-set on the state version that read saw
/// (re-reading the state if it changed). Critical puts carry <c>ordinal &lt;&lt; 32 | sequence</c> (rule 2).
/// Release records a clean release only when every put of the hold was acknowledged, in the same lock-store step that
/// leaves the queues.</para>
/// <example>
/// <code>
/// await using var client = new MusicClient(dataStore, lockStore, new MusicClientOptions { HoldLease = TimeSpan.FromSeconds(30) });
/// var lockRef = await client.CreateLockRefAsync(new[] { "counter" }, ct);
/// await client.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(5), ct);
/// var value = await client.CriticalGetAsync(lockRef, "counter", ct);
/// await client.CriticalPutAsync(lockRef, "counter", Next(value), ct);
/// await client.ReleaseLockAsync(lockRef, ct);
/// </code>
/// </example>
/// </remarks>
public sealed class MusicClient : IMusicClient
{
    private readonly IDataStore _data;
    private readonly ILockStore _locks;
    private readonly MusicClientOptions _options;
    private readonly ILogger _logger;
    private readonly KeySynchronizer _synchronizer;
    private readonly ConcurrentDictionary<string, LockRef> _outstanding = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ITimer> _leaseTimers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private readonly TicketRemover _remover;
    private readonly LockQueueReader _queueReader;
    private readonly LockSessionStateNotifier _sessionEvents;
    private int _disposed;

    /// <summary>Creates a client over a data store and a lock-store session. The client owns both and disposes them.</summary>
    public MusicClient(IDataStore dataStore, ILockStore lockStore, MusicClientOptions? options = null, ILogger<MusicClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataStore);
        ArgumentNullException.ThrowIfNull(lockStore);
        _options = options ?? new MusicClientOptions();
        _options.Validate();
        _data = dataStore;
        _locks = lockStore;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _synchronizer = new KeySynchronizer(dataStore, _options.Resilience);
        _remover = new TicketRemover(lockStore, _logger, _closing.Token);
        _queueReader = new LockQueueReader(lockStore, _options, dataStore.Site, _outstanding.ContainsKey);

        // Session events come from the store (rule 5 of docs/design.md: react, don't poll); the client adds its own Closed.
        _sessionEvents = new LockSessionStateNotifier(this, () => SessionState);
        if (lockStore is ILockSessionEvents storeEvents)
        {
            storeEvents.SessionStateChanged += (_, _) => _sessionEvents.StateMayHaveChanged();
        }
    }

    /// <inheritdoc />
    public event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged
    {
        add => _sessionEvents.Changed += value;
        remove => _sessionEvents.Changed -= value;
    }

    /// <inheritdoc />
    public string Site => _data.Site;

    /// <inheritdoc />
    public LockSessionState SessionState => Volatile.Read(ref _disposed) != 0 ? LockSessionState.Closed : _locks.SessionState;

    private int MaxValueBytes => Math.Min(_options.MaxValueBytes, _data.MaxValueBytes);

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        MusicKey.Validate(key, nameof(key));
        ThrowIfDisposed();
        using var activity = StartActivity("music.get", key, DataConsistency.One);
        var stored = await _options.Resilience.ExecuteAsync(
            static (state, ct) => new ValueTask<StoredValue?>(state.Data.ReadAsync(state.Key, DataConsistency.One, ct)),
            (Data: _data, Key: key), cancellationToken).ConfigureAwait(false);
        return stored?.Value;
    }

    /// <inheritdoc />
    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default)
    {
        MusicKey.Validate(key, nameof(key));
        ValidateValue(value);
        ThrowIfDisposed();
        using var activity = StartActivity("music.put", key, DataConsistency.One);

        // Eventual writes use ordinal 0, so they lose to any critical write (rule 2 of docs/design.md).
        var timestamp = FencingTimestamp.ForEventualWrite(_options.TimeProvider.GetUtcNow());
        await _options.Resilience.ExecuteAsync(
            static async (state, ct) => await state.Data.WriteAsync(state.Key, state.Value, state.Timestamp, DataConsistency.One, ct).ConfigureAwait(false),
            (Data: _data, Key: key, Value: value, Timestamp: timestamp), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) =>
        CreateLockRefAsync(keys, TicketMode.Exclusive, cancellationToken);

    /// <inheritdoc />
    public async Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, TicketMode mode, CancellationToken cancellationToken = default)
    {
        var keySet = MusicKey.NormalizeSet(keys, nameof(keys));
        ThrowIfDisposed();
        using var activity = MusicTelemetry.Source.StartActivity("music.create_lock_ref");
        activity?.SetTag(MusicTelemetry.KeysTag, string.Join(",", keySet));
        activity?.SetTag(MusicTelemetry.SiteTag, Site);

        // Not wrapped in the retry pipeline: an enqueue is not idempotent; backends protect their own ambiguous creates.
        activity?.SetTag(MusicTelemetry.ModeTag, mode.ToString());
        var ticket = await _locks.EnqueueAsync(keySet, mode, cancellationToken).ConfigureAwait(false);
        var lockRef = new LockRef(this, ticket, keySet);
        _outstanding[ticket.Id] = lockRef;
        ticket.LostToken.Register(() => OnTicketLost(lockRef));
        activity?.SetTag(MusicTelemetry.TicketTag, ticket.ToString());
        return lockRef;
    }

    /// <inheritdoc />
    public async Task<bool> AcquireLockAsync(LockRef lockRef, CancellationToken cancellationToken = default)
    {
        EnsureUsable(lockRef);
        if (lockRef.IsAcquired)
        {
            return true;
        }

        using var activity = MusicTelemetry.Source.StartActivity("music.acquire_lock");
        activity?.SetTag(MusicTelemetry.TicketTag, lockRef.ToString());

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
            local?.SetTag(MusicTelemetry.OrdinalTag, ordinal);
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
                MusicTelemetry.CriticalDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>(MusicTelemetry.OperationTag, "get-local"));
                return stored!.Value;
            }
        }

        using var activity = StartActivity("music.critical_get", key, DataConsistency.Quorum);
        activity?.SetTag(MusicTelemetry.OrdinalTag, ordinal);
        var latest = await _options.Resilience.ExecuteAsync(
            static (state, ct) => new ValueTask<StoredValue?>(state.Data.ReadAsync(state.Key, DataConsistency.Quorum, ct)),
            (Data: _data, Key: key), cancellationToken).ConfigureAwait(false);
        MusicTelemetry.CriticalDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>(MusicTelemetry.OperationTag, "get"));
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
        activity?.SetTag(MusicTelemetry.OrdinalTag, ordinal);
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
            MusicTelemetry.CriticalDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>(MusicTelemetry.OperationTag, "put"));
        }

        if (!acknowledged)
        {
            throw new LockLostException(
                $"Ticket {lockRef} was lost ({lockRef.LossReason}) while its write of '{key}' was in flight; the write's outcome is unknown and a later holder's sync may override it.",
                lockRef.LossReason,
                writeMayHaveApplied: true);
        }
    }

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
        activity?.SetTag(MusicTelemetry.TicketTag, lockRef.ToString());

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
        activity?.SetTag(MusicTelemetry.TicketTag, lockRef.ToString());
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

    /// <inheritdoc />
    public Task<IReadOnlyList<LockQueueEntry>> GetLockQueueAsync(string key, CancellationToken cancellationToken = default)
    {
        MusicKey.Validate(key, nameof(key));
        ThrowIfDisposed();
        return _queueReader.ReadAsync(key, cancellationToken);
    }

    /// <summary>The timeout of a wait, naming the ticket ahead of the waiter (read best-effort, briefly).</summary>
    private async Task<LockTimeoutException> LockTimeoutAsync(LockRef lockRef, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var holder = await _queueReader.FindBlockerAsync(lockRef, cancellationToken).ConfigureAwait(false);
        return new LockTimeoutException(
            $"Ticket {lockRef} did not acquire its keys within {timeout}; it is still queued, {LockTimeoutException.Describe(holder)}.",
            lockRef.Keys, timeout, holder);
    }

    /// <inheritdoc />
    public async Task<bool> ForceReleaseAsync(string key, CancellationToken cancellationToken = default)
    {
        MusicKey.Validate(key, nameof(key));
        ThrowIfDisposed();
        var queue = await _locks.ReadQueueAsync(key, cancellationToken).ConfigureAwait(false);
        return queue.Count > 0 && await ForceRemoveAsync(queue[0], "requested", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _sessionEvents.StateMayHaveChanged(); // SessionState reads Closed from now on

        await _closing.CancelAsync().ConfigureAwait(false);

        foreach (var lockRef in _outstanding.Values)
        {
            try
            {
                using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await ReleaseCoreAsync(lockRef, cleanup.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The session close below removes the ticket anyway; the key stays unsynced, which is safe.
                _logger.LogDebug(ex, "Could not release {Ticket} on dispose", lockRef);
            }

            if (!lockRef.IsReleased)
            {
                lockRef.Ticket.SignalLost(LockLossReason.ClientClosed);
            }
        }

        foreach (var timer in _leaseTimers.Values)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        await _locks.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
        if (_data is IAsyncDisposable disposableData)
        {
            await disposableData.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal async Task<bool> ForceRemoveAsync(QueueEntry entry, string why, CancellationToken cancellationToken)
    {
        using var activity = MusicTelemetry.Source.StartActivity("music.force_release");
        activity?.SetTag(MusicTelemetry.KeyTag, entry.Position.Key);
        activity?.SetTag(MusicTelemetry.OrdinalTag, entry.Position.Ordinal);
        var removed = await _locks.ForceRemoveAsync(entry, cancellationToken).ConfigureAwait(false);
        if (removed)
        {
            MusicTelemetry.ForcedReleases.Add(1);
            _logger.LogWarning("Forcibly released ticket {TicketId} of session {SessionId} on {Key}#{Ordinal} ({Why}); its keys stay unsynced", entry.TicketId, entry.SessionId, entry.Position.Key, entry.Position.Ordinal, why);
        }

        return removed;
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

    /// <summary>The ticket is gone from the lock service: signal it (a reason the store already gave wins) and say so.</summary>
    private LockLostException Lost(LockRef lockRef, LockLossReason reason)
    {
        lockRef.Ticket.SignalLost(_locks.SessionState == LockSessionState.Lost ? LockLossReason.SessionExpired : reason);
        return LostException(lockRef);
    }

    private void StartLeaseTimer(LockRef lockRef, long leaseStart)
    {
        if (_options.HoldLease is not { } lease)
        {
            return;
        }

        // The deadline is read against the clock whenever the ticket's state is (a paused holder sees it at once); the
        // timer only makes the LostToken fire on time.
        var deadline = leaseStart + (long)(lease.TotalSeconds * _options.TimeProvider.TimestampFrequency);
        lockRef.Ticket.LimitHold(deadline, _options.TimeProvider);
        var remaining = lease - _options.TimeProvider.GetElapsedTime(leaseStart);
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }

        var timer = _options.TimeProvider.CreateTimer(static state => ((LockRef)state!).Ticket.CheckDeadlines(), lockRef, remaining, Timeout.InfiniteTimeSpan);
        _leaseTimers[lockRef.Id] = timer;
    }

    private void StopLeaseTimer(LockRef lockRef)
    {
        if (_leaseTimers.TryRemove(lockRef.Id, out var timer))
        {
            timer.Dispose();
        }
    }

    private void OnTicketLost(LockRef lockRef)
    {
        StopLeaseTimer(lockRef);
        if (!lockRef.IsReleased)
        {
            MusicTelemetry.Losses.Add(1, new KeyValuePair<string, object?>("music.reason", lockRef.LossReason?.ToString()));
            _logger.LogWarning("Ticket {Ticket} was lost: {Reason}", lockRef, lockRef.LossReason);
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

    private void ValidateValue(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxValueBytes)
        {
            throw new ValueTooLargeException(value.Length, MaxValueBytes, nameof(value));
        }
    }

    private Activity? StartActivity(string name, string key, DataConsistency consistency)
    {
        var activity = MusicTelemetry.Source.StartActivity(name);
        activity?.SetTag(MusicTelemetry.KeyTag, key);
        activity?.SetTag(MusicTelemetry.ConsistencyTag, consistency.ToString());
        activity?.SetTag(MusicTelemetry.SiteTag, Site);
        return activity;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
