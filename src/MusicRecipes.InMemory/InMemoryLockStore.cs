using MusicRecipes.Locking;

namespace MusicRecipes.InMemory;

/// <summary>
/// One client's session with the in-memory lock service. Every call is one inter-site round trip and fails with
/// <see cref="MusicUnavailableException"/> when the client's site cannot reach a majority of sites. A heartbeat
/// keeps the session alive; when heartbeats fail for a whole session timeout the client judges its session lost
/// and signals its tickets itself, as a ZooKeeper client does after it cannot reconnect in time.
/// </summary>
internal sealed class InMemoryLockStore : ILockStore
{
    private readonly int _site;
    private readonly InMemoryLockService _service;
    private readonly SiteNetwork _network;
    private readonly ClientLiveness _liveness;
    private readonly InMemoryClusterOptions _options;
    private readonly ITimer _heartbeat;
    private readonly object _gate = new();
    private LockSession _session;
    private LockSessionState _state = LockSessionState.Connected;
    private long _lastHeartbeatOk;

    public InMemoryLockStore(int site, InMemoryLockService service, SiteNetwork network, ClientLiveness liveness, InMemoryClusterOptions options)
    {
        _site = site;
        _service = service;
        _network = network;
        _liveness = liveness;
        _options = options;
        _session = service.OpenSession(site);
        _lastHeartbeatOk = options.TimeProvider.GetTimestamp();
        var period = options.SessionTimeout / 3;
        _heartbeat = options.TimeProvider.CreateTimer(_ => Beat(), null, period, period);
    }

    public LockSessionState SessionState
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public DateTimeOffset UtcNow => _service.UtcNow;

    internal LockSession Session
    {
        get
        {
            lock (_gate)
            {
                return _session;
            }
        }
    }

    public async Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _service.Enqueue(CurrentSession(), keys);
        }
        catch (SessionExpiredException)
        {
            return _service.Enqueue(RenewSession(), keys);
        }
    }

    public async Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        return _service.CheckHead(ticket);
    }

    public async Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        var change = _service.WaitForChange(ticket);
        var lost = Task.Delay(Timeout.Infinite, ticket.LostToken);
        await Task.WhenAny(change, lost).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<KeyLockState> GetKeyStateAsync(string key, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        return _service.GetState(key);
    }

    public async Task RecordAcquiredAsync(string key, long ordinal, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        _service.RecordAcquired(key, ordinal);
    }

    public async Task<bool> TryRecordAcquiredAsync(string key, long ordinal, VersionedKeyState expected, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        return _service.TryRecordAcquired(key, ordinal, expected);
    }

    public async Task RemoveAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        _service.Release(ticket, clean: false);
    }

    /// <summary>One round trip: the service records the clean release and removes the ticket in one step.</summary>
    public async Task ReleaseAsync(LockTicket ticket, bool clean, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        _service.Release(ticket, clean);
    }

    public async Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        return _service.ReadQueue(key);
    }

    public async Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        return _service.ForceRemove(entry);
    }

    public async ValueTask DisposeAsync()
    {
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _state = LockSessionState.Closed;
        }

        // Closing a session removes its tickets, as closing a ZooKeeper session deletes its ephemeral nodes.
        if (!_liveness.IsCrashed)
        {
            _service.Expire(Session);
        }
    }

    /// <summary>Expires this client's session now (fault injection).</summary>
    internal void ExpireNow() => _service.Expire(Session);

    private async Task CallAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfUnreachable();
        await _network.RoundTripAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfUnreachable();
    }

    private void ThrowIfUnreachable()
    {
        _liveness.ThrowIfCrashed();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_state == LockSessionState.Closed, this);
        }

        if (!_network.CanReachLockService(_site))
        {
            throw new MusicUnavailableException($"The lock service is out of reach from {InMemoryMusicCluster.SiteName(_site)} (no majority of sites reachable).");
        }
    }

    private LockSession CurrentSession()
    {
        lock (_gate)
        {
            return _service.IsExpired(_session) ? RenewSessionLocked() : _session;
        }
    }

    private LockSession RenewSession()
    {
        lock (_gate)
        {
            return RenewSessionLocked();
        }
    }

    private LockSession RenewSessionLocked()
    {
        if (_service.IsExpired(_session))
        {
            _session = _service.OpenSession(_site);
            _lastHeartbeatOk = _options.TimeProvider.GetTimestamp();
            _state = LockSessionState.Connected;
        }

        return _session;
    }

    private void Beat()
    {
        if (_liveness.IsCrashed)
        {
            return; // a crashed process sends nothing: its session will expire on the service
        }

        LockSession? lostSession = null;
        lock (_gate)
        {
            if (_state == LockSessionState.Closed)
            {
                return;
            }

            if (_network.CanReachLockService(_site))
            {
                if (_state == LockSessionState.Lost)
                {
                    // We told our holders the session was lost; make it so before anyone relies on it again.
                    _service.Expire(_session);
                    RenewSessionLocked();
                }
                else if (_service.Heartbeat(_session))
                {
                    _state = _state == LockSessionState.Suspended ? LockSessionState.Reconnected : LockSessionState.Connected;
                    _lastHeartbeatOk = _options.TimeProvider.GetTimestamp();
                }
                else
                {
                    _state = LockSessionState.Lost;
                }
            }
            else if (_state is LockSessionState.Connected or LockSessionState.Reconnected)
            {
                // A lost connection is always reported as Suspended first, as a ZooKeeper client does, even when a
                // starved timer only notices it after the session timeout: holders get their warning.
                _state = LockSessionState.Suspended;
            }
            else if (_state == LockSessionState.Suspended && _options.TimeProvider.GetElapsedTime(_lastHeartbeatOk) > _options.SessionTimeout)
            {
                _state = LockSessionState.Lost;
                lostSession = _session;
            }
        }

        if (lostSession is not null)
        {
            // Judged lost locally: the service will expire it too; tell the holders now rather than after the heal.
            foreach (var ticket in SnapshotTickets(lostSession))
            {
                ticket.SignalLost(LockLossReason.SessionExpired);
            }
        }
    }

    private LockTicket[] SnapshotTickets(LockSession session) => _service.TicketsOf(session);
}
