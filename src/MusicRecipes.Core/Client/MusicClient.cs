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
public sealed partial class MusicClient : IMusicClient
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
        activity?.SetTag(MusicDiagnostics.KeysTag, string.Join(",", keySet));
        activity?.SetTag(MusicDiagnostics.SiteTag, Site);

        // Not wrapped in the retry pipeline: an enqueue is not idempotent; backends protect their own ambiguous creates.
        activity?.SetTag(MusicDiagnostics.ModeTag, mode.ToString());
        var enqueueStart = _options.TimeProvider.GetTimestamp();
        var ticket = await _locks.EnqueueAsync(keySet, mode, cancellationToken).ConfigureAwait(false);
        var lockRef = new LockRef(this, ticket, keySet);
        if (ticket.RecordedAtEnqueue)
        {
            // The store recorded the acquisition in the enqueue: the hold lease starts before that record (rule 6).
            lockRef.LeaseStartOnce(enqueueStart);
        }

        _outstanding[ticket.Id] = lockRef;
        ticket.LostToken.Register(() => OnTicketLost(lockRef));
        activity?.SetTag(MusicDiagnostics.TicketTag, ticket.ToString());
        return lockRef;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LockQueueEntry>> GetLockQueueAsync(string key, CancellationToken cancellationToken = default)
    {
        MusicKey.Validate(key, nameof(key));
        ThrowIfDisposed();
        return _queueReader.ReadAsync(key, cancellationToken);
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
        activity?.SetTag(MusicDiagnostics.KeyTag, key);
        activity?.SetTag(MusicDiagnostics.ConsistencyTag, consistency.ToString());
        activity?.SetTag(MusicDiagnostics.SiteTag, Site);
        return activity;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
