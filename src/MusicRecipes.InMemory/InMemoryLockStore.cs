using System.Collections.Concurrent;
using MusicRecipes.Locking;

namespace MusicRecipes.InMemory;

/// <summary>
/// One client's session with the in-memory lock service. Every call is one inter-site round trip and fails with
/// <see cref="MusicUnavailableException"/> when the client's site cannot reach a majority of sites. A heartbeat keeps
/// the session alive; every acknowledged heartbeat renews the session's <see cref="SessionLease"/> by its send time, so
/// when heartbeats stop getting through the client's tickets read as lost before the service can expire the session
/// and hand the keys to someone else (rule 6 of docs/design.md) — as a real client must, since the service's word
/// that the session expired cannot reach a client that is cut off.
/// </summary>
internal sealed partial class InMemoryLockStore : ILockStore, ILockSessionEvents
{
    private readonly int _site;
    private readonly InMemoryLockService _service;
    private readonly SiteNetwork _network;
    private readonly ClientLiveness _liveness;
    private readonly InMemoryClusterOptions _options;
    private readonly ITimer _heartbeat;
    private readonly object _gate = new();
    private readonly ConcurrentQueue<(LockTicket Ticket, LockLossReason Reason)> _undelivered = new();
    private LockSession _session;
    private SessionLease _lease;
    private LockSessionState _state = LockSessionState.Connected;
    private readonly LockSessionStateNotifier _events;

    public InMemoryLockStore(int site, InMemoryLockService service, SiteNetwork network, ClientLiveness liveness, InMemoryClusterOptions options)
    {
        _site = site;
        _service = service;
        _network = network;
        _liveness = liveness;
        _options = options;
        (_session, _lease) = OpenSession();
        _events = new LockSessionStateNotifier(this, () => SessionState);

        // A sixth of the timeout, as the ZooKeeper client pings: the lease ends at 80 % of it, so a late beat or two
        // must not end it.
        var period = options.SessionTimeout / 6;
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

    /// <summary>Raised after every change of <see cref="SessionState"/> (each is reported outside <c>_gate</c>).</summary>
    public event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged
    {
        add => _events.Changed += value;
        remove => _events.Changed -= value;
    }

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

    public async Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, TicketMode mode, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        var (session, lease) = CurrentSession();
        try
        {
            return _service.Enqueue(session, keys, mode, lease);
        }
        catch (SessionExpiredException)
        {
            (session, lease) = RenewSession();
            return _service.Enqueue(session, keys, mode, lease);
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

    public async Task<VersionedKeyState> GetKeyStateAsync(string key, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        return _service.GetState(key);
    }

    public async Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken)
    {
        await CallAsync(cancellationToken).ConfigureAwait(false);
        return _service.TryRecordAcquired(ticket, position, expected);
    }

    /// <summary>One round trip: the service records the clean release and removes the ticket in one step.</summary>
    public async Task ReleaseAsync(LockTicket ticket, CleanRelease? clean, CancellationToken cancellationToken)
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
        LockSession session;
        lock (_gate)
        {
            _state = LockSessionState.Closed;
            session = _session;
        }

        _events.StateMayHaveChanged();

        // Closing a session removes its tickets, as closing a ZooKeeper session deletes its ephemeral nodes.
        var tickets = _service.TicketsOf(session);
        if (!_liveness.IsCrashed)
        {
            _service.Expire(session);
        }

        foreach (var ticket in tickets)
        {
            ticket.SignalLost(LockLossReason.ClientClosed);
        }

        _lease.Dispose();
    }

    /// <summary>
    /// Expires this client's session now (fault injection), as Curator's KillSession does to a ZooKeeper client: another
    /// connection takes the session over — this client's own connection drops, so it is Suspended at once — and closes
    /// it; the client hears that the session expired when it next reaches the service.
    /// </summary>
    internal void ExpireNow()
    {
        LockSession session;
        lock (_gate)
        {
            if (_state is LockSessionState.Connected or LockSessionState.Reconnected)
            {
                _state = LockSessionState.Suspended;
            }

            session = _session;
        }

        _events.StateMayHaveChanged();
        _service.Expire(session);
    }

    private (LockSession Session, SessionLease Lease) OpenSession()
    {
        var sentAt = _options.TimeProvider.GetTimestamp();
        var session = _service.OpenSession(_site, OnDroppedByService);
        var lease = new SessionLease(SessionLease.TermFor(_options.SessionTimeout), _options.TimeProvider, sentAt);
        lease.ExpiredToken.Register(() => OnLeaseExpired(session));
        return (session, lease);
    }

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

    private (LockSession Session, SessionLease Lease) CurrentSession()
    {
        (LockSession, SessionLease) current;
        lock (_gate)
        {
            current = _service.IsExpired(_session) || _lease.IsExpired ? RenewSessionLocked() : (_session, _lease);
        }

        _events.StateMayHaveChanged();
        return current;
    }

    private (LockSession Session, SessionLease Lease) RenewSession()
    {
        (LockSession, SessionLease) renewed;
        lock (_gate)
        {
            renewed = RenewSessionLocked();
        }

        _events.StateMayHaveChanged();
        return renewed;
    }

    /// <summary>
    /// A new session once the old one is gone on either side. A session whose lease ran out is ended on the service
    /// too before the new one is used: its tickets were declared lost, and nothing may bring them back.
    /// </summary>
    private (LockSession Session, SessionLease Lease) RenewSessionLocked()
    {
        if (_service.IsExpired(_session) || _lease.IsExpired)
        {
            _service.Expire(_session);
            _lease.Dispose();
            (_session, _lease) = OpenSession();
            _state = LockSessionState.Connected;
        }

        return (_session, _lease);
    }
}
