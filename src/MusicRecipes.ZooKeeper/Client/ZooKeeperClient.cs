using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.ZooKeeper.Protocol;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// An asynchronous ZooKeeper client speaking the wire protocol directly: one session over a list of servers, kept
/// across reconnects, with one-shot watches and typed errors.
/// </summary>
/// <remarks>
/// <para>
/// The client connects to the servers in a random order. When a connection drops it reports
/// <see cref="ZooKeeperConnectionState.Suspended"/>, fails the requests in flight with
/// <see cref="ConnectionLossException"/> (their outcome is unknown) and tries the next server with the same session
/// id and password. If a server takes the session back it reports <see cref="ZooKeeperConnectionState.Reconnected"/>
/// and re-registers every watch (SetWatches with the last zxid seen, so watches whose node changed meanwhile fire at
/// once). If the server answers that the session expired — or no server was reachable for a whole session
/// timeout — it reports <see cref="ZooKeeperConnectionState.Lost"/>, tells every watcher
/// (<see cref="WatchEventType.SessionExpired"/>), and opens a new session (<see cref="ZooKeeperConnectionState.Connected"/>).
/// A session that expired or was given up is never adopted again, even if a server hands it back.
/// </para>
/// <para>
/// Watch callbacks and <see cref="ConnectionStateChanged"/> handlers run one at a time on a dispatcher task, never on
/// the socket's reader loop. Every node is created with the open ACL (world:anyone); authentication is not supported.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = "127.0.0.1:2181/app" }, ct);
/// await zk.CreateAsync("/config", "v1"u8.ToArray(), CreateMode.Persistent, ct);
/// var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
/// var (data, stat) = await zk.GetDataAsync("/config", _ => changed.TrySetResult(), ct);
/// await zk.SetDataAsync("/config", "v2"u8.ToArray(), stat.Version, ct);
/// await changed.Task;
/// </code>
/// </example>
public sealed partial class ZooKeeperClient : IAsyncDisposable, IConnectionOwner
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long closing a session we gave up on may take before the connection is dropped anyway: a link that cannot
    /// carry one round trip in this time is usually why the session was given up, and the servers expire it then.
    /// </summary>
    private static readonly TimeSpan RetiredCloseTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many retired session ids are remembered. Only a connect attempt that started before a retirement can still
    /// present the retired id, and the connect loop makes one attempt at a time, so a short memory is enough.
    /// </summary>
    private const int RetiredMemory = 64;

    private readonly ZooKeeperClientOptions _options;
    private AuthFailedException? _authFailure;
    private readonly ZooKeeperConnectionString _connectionString;
    private readonly Chroot _chroot;
    private readonly ILogger _logger;
    private readonly EventDispatcher _events;
    private readonly CancellationTokenSource _closing = new();
    private readonly object _gate = new();
    private ZooKeeperConnection? _connection;
    private TaskCompletionSource _connected = NewSignal();
    private TaskCompletionSource _sessionLost = NewSignal();
    private long _sessionId;
    private byte[] _password = new byte[16];
    private int _negotiatedTimeoutMs;
    private long _lastZxid;
    private long _lastAcknowledgedSend;
    private long _disconnectedSince;
    private ZooKeeperConnectionState _state = ZooKeeperConnectionState.Latent;
    private Task _connectLoop = Task.CompletedTask;
    private int _disposed;

    // Sessions that expired or were abandoned (guarded by _gate): never adopted again, whatever a server answers.
    private readonly HashSet<long> _retired = [];
    private readonly Queue<long> _retiredOrder = new();

    private ZooKeeperClient(ZooKeeperClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPacketSize, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SessionTimeout, TimeSpan.Zero);
        _options = options;
        _connectionString = ZooKeeperConnectionString.Parse(options.ConnectionString);
        _chroot = new Chroot(_connectionString.Chroot);
        _logger = options.Logger ?? NullLogger.Instance;
        _events = new EventDispatcher(_logger);
        if (options.ResumeSession is { } resume)
        {
            _sessionId = resume.SessionId;
            _password = resume.Password.ToArray();
            _negotiatedTimeoutMs = (int)options.SessionTimeout.TotalMilliseconds;
        }
    }

    /// <summary>Raised, on the dispatcher task, whenever <see cref="ConnectionState"/> changes.</summary>
    public event EventHandler<ZooKeeperConnectionStateChangedEventArgs>? ConnectionStateChanged;

    /// <summary>The current connection state.</summary>
    public ZooKeeperConnectionState ConnectionState
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>The current session id (0 before the first connection and right after an expiry).</summary>
    public long SessionId => Interlocked.Read(ref _sessionId);

    /// <summary>The session timeout the server granted.</summary>
    public TimeSpan SessionTimeout => TimeSpan.FromMilliseconds(Volatile.Read(ref _negotiatedTimeoutMs));

    /// <summary>The current session's id and password, or <c>null</c> when there is no session.</summary>
    public ZooKeeperSessionCredentials? SessionCredentials
    {
        get
        {
            lock (_gate)
            {
                return _sessionId == 0 ? null : new ZooKeeperSessionCredentials(_sessionId, _password.ToArray());
            }
        }
    }

    /// <summary>The server the client is connected to, or <c>null</c> while disconnected.</summary>
    public DnsEndPoint? ConnectedServer => Volatile.Read(ref _connection)?.Server;

    /// <summary>The largest zxid seen in a reply: the point in ZooKeeper's history this client has read up to.</summary>
    public long LastZxid => Interlocked.Read(ref _lastZxid);

    /// <summary>The chroot of the connection string, or <c>null</c>.</summary>
    public string? Chroot => _chroot.Root;

    /// <summary>The options the client was made with.</summary>
    public ZooKeeperClientOptions Options => _options;

    WatchRegistry IConnectionOwner.Watches => Watches;

    /// <summary>
    /// Raised on the socket's reader loop (handlers must not block) when the server answers a request of the current
    /// session: the session id and the <see cref="Stopwatch"/> timestamp at which the request was queued. A client-side
    /// lease of the session is measured from these (the lock store's <c>SessionLease</c>).
    /// </summary>
    internal event Action<long, long>? Acknowledged;

    /// <summary>The <see cref="Stopwatch"/> timestamp of the latest request of the current session the server answered.</summary>
    internal long LastAcknowledgedSend => Interlocked.Read(ref _lastAcknowledgedSend);

    /// <summary>
    /// The current session id (0: none) and the <see cref="Stopwatch"/> timestamp of its latest answered request, read
    /// together: a lease started from them never pairs a new session with the previous session's acknowledgements.
    /// </summary>
    internal (long SessionId, long LastAcknowledgedSend) SessionAcknowledgement
    {
        get
        {
            lock (_gate)
            {
                return (_sessionId, Interlocked.Read(ref _lastAcknowledgedSend));
            }
        }
    }

    internal WatchRegistry Watches { get; } = new();

    /// <summary>Starts a client and waits until it is connected (at most <see cref="ZooKeeperClientOptions.ConnectionTimeout"/>).</summary>
    /// <exception cref="ConnectionLossException">No server accepted a connection in time.</exception>
    public static async Task<ZooKeeperClient> ConnectAsync(ZooKeeperClientOptions options, CancellationToken cancellationToken = default)
    {
        var client = Start(options);
        try
        {
            await client.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts a client that connects in the background; operations wait for the connection.</summary>
    /// <example>
    /// <code>
    /// await using var zk = ZooKeeperClient.Start(new ZooKeeperClientOptions { ConnectionString = "zk1:2181" });
    /// </code>
    /// </example>
    public static ZooKeeperClient Start(ZooKeeperClientOptions options)
    {
        var client = new ZooKeeperClient(options);
        client._connectLoop = Task.Run(client.ConnectLoopAsync);
        return client;
    }

    /// <summary>Waits until the client is connected (at most <see cref="ZooKeeperClientOptions.ConnectionTimeout"/>).</summary>
    /// <exception cref="ConnectionLossException">Not connected in time.</exception>
    public async Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default) =>
        await ConnectionAsync(null, failOnSessionLoss: false, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Closes the session (its ephemeral nodes go at once), the connection and the dispatcher. Pending watchers get
    /// <see cref="WatchEventType.ClientClosed"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var connection = Volatile.Read(ref _connection);
        if (connection is not null && SessionId != 0)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await connection.SendAsync(OpCode.CloseSession, [], null, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KeeperException or OperationCanceledException)
            {
                _logger.LogDebug("closeSession not acknowledged: {Reason}", e.Message);
            }
        }

        _closing.Cancel();
        connection?.Abort(null);
        await _connectLoop.ConfigureAwait(false);
        lock (_gate)
        {
            _connected.TrySetException(new ObjectDisposedException(nameof(ZooKeeperClient)));
        }

        SetState(ZooKeeperConnectionState.Closed, SessionId);
        foreach (var (path, watcher) in Watches.DrainAll())
        {
            _events.Post(() => watcher(new WatchedEvent(WatchEventType.ClientClosed, path)));
        }

        await _events.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }

    void IConnectionOwner.ObserveZxid(long zxid)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _lastZxid);
            if (zxid <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _lastZxid, zxid, seen) != seen);
    }

    void IConnectionOwner.OnAcknowledged(long sessionId, long sentTimestamp)
    {
        if (sessionId != SessionId)
        {
            return;
        }

        long seen;
        do
        {
            seen = Interlocked.Read(ref _lastAcknowledgedSend);
            if (sentTimestamp <= seen)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _lastAcknowledgedSend, sentTimestamp, seen) != seen);

        Acknowledged?.Invoke(sessionId, sentTimestamp);
    }

    /// <summary>
    /// Gives up session <paramref name="sessionId"/> although no server said it expired — its client-side lease ran out,
    /// so its holders were told it is lost (rule 6 of docs/design.md) — and opens a new one. The session is retired:
    /// no later request is sent in it, its current connection (if any) is taken out of use at once, sends closeSession
    /// so the servers delete its ephemeral nodes now rather than a session timeout later, and is dropped; the next
    /// connection is made without the old session's id. A connect attempt already presenting the old id may still get
    /// it back from a server that never expired it: <see cref="AdoptAsync"/> refuses that answer and closes the session.
    /// </summary>
    internal void AbandonSession(long sessionId, string why)
    {
        ZooKeeperConnection? connection;
        lock (_gate)
        {
            if (_sessionId != sessionId || sessionId == 0)
            {
                return;
            }

            // Detached before the session is given up, so no request of a later session can be sent on it.
            connection = _connection;
            if (connection is not null)
            {
                _connection = null;
                if (_connected.Task.IsCompleted)
                {
                    _connected = NewSignal();
                }
            }
        }

        OnSessionExpired(sessionId, why);
        if (connection is not null)
        {
            _ = CloseRetiredAsync(connection, $"Session 0x{sessionId:x} abandoned: {why}.");
        }
    }

    void IConnectionOwner.OnNotification(WatchEventType type, string serverPath)
    {
        var path = _chroot.ToClient(serverPath);
        var fired = Watches.Trigger(type, path);
        if (fired.Count == 0)
        {
            return;
        }

        var watchedEvent = new WatchedEvent(type, path);
        foreach (var watcher in fired)
        {
            _events.Post(() => watcher(watchedEvent));
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The live connection, waiting for one up to the connection timeout. A request that started waiting in a
    /// session fails with <see cref="SessionExpiredException"/> as soon as that session is lost
    /// (<paramref name="failOnSessionLoss"/>), as ZooKeeper's own clients do: it is not sent in the next session, and
    /// its caller learns at once, not after the whole connection timeout, that whatever it held is gone.
    /// </summary>
    private async ValueTask<ZooKeeperConnection> ConnectionAsync(string? path, bool failOnSessionLoss, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _authFailure) is { } refused)
        {
            throw new AuthFailedException(path, refused.Message, refused);
        }

        while (true)
        {
            Task signal;
            Task? lost;
            lock (_gate)
            {
                if (_connection is { IsAborted: false } live)
                {
                    return live;
                }

                signal = _connected.Task;
                lost = failOnSessionLoss && _sessionId != 0 ? _sessionLost.Task : null;
            }

            try
            {
                var woken = lost is null ? signal : await Task.WhenAny(signal, lost).WaitAsync(_options.ConnectionTimeout, cancellationToken).ConfigureAwait(false);
                await woken.WaitAsync(_options.ConnectionTimeout, cancellationToken).ConfigureAwait(false);
                if (woken == lost)
                {
                    throw new SessionExpiredException(path, "The session expired while the request waited for a connection; the request was not sent.");
                }
            }
            catch (TimeoutException)
            {
                throw new ConnectionLossException(path, $"No ZooKeeper server of {_connectionString} was reachable within {_options.ConnectionTimeout.TotalSeconds:F1} s.");
            }
        }
    }

    private async Task ConnectLoopAsync()
    {
        var servers = _connectionString.Servers.OrderBy(_ => Random.Shared.Next()).ToArray();
        var next = 0;
        while (!_closing.IsCancellationRequested)
        {
            ExpireIfCutOffTooLong();
            var server = servers[next++ % servers.Length];
            ZooKeeperConnection connection;
            long presented;
            try
            {
                (connection, presented) = await OpenAsync(server).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogDebug("ZooKeeper server {Host}:{Port} unreachable: {Reason}", server.Host, server.Port, e.Message);
                if (next % servers.Length == 0)
                {
                    await PauseAsync().ConfigureAwait(false);
                }

                continue;
            }

            if (!await AdoptAsync(connection, presented).ConfigureAwait(false))
            {
                continue;
            }

            await connection.Closed.ConfigureAwait(false);
            lock (_gate)
            {
                // AbandonSession may have detached it already (and renewed the signal that waiters now wait on).
                if (ReferenceEquals(_connection, connection))
                {
                    _connection = null;
                }

                if (_connected.Task.IsCompleted)
                {
                    _connected = NewSignal();
                }

                _disconnectedSince = Stopwatch.GetTimestamp();
            }

            if (_closing.IsCancellationRequested)
            {
                return;
            }

            if (SessionId != 0)
            {
                SetState(ZooKeeperConnectionState.Suspended, SessionId); // an abandoned session has nothing to suspend
            }
        }
    }

    /// <summary>Connects and handshakes, presenting the current session's id and password; returns the id presented.</summary>
    private async Task<(ZooKeeperConnection Connection, long Presented)> OpenAsync(DnsEndPoint server)
    {
        long sessionId;
        byte[] password;
        lock (_gate)
        {
            sessionId = _sessionId;
            password = _password;
        }

        var request = ConnectHandshake.EncodeRequest(LastZxid, (int)_options.SessionTimeout.TotalMilliseconds, sessionId, password);
        var perServer = TimeSpan.FromMilliseconds(Math.Max(1000, _options.SessionTimeout.TotalMilliseconds / _connectionString.Servers.Count));
        var connection = await ZooKeeperConnection.OpenAsync(server, request, perServer, this, _options.MaxPacketSize + 65536, _logger, _closing.Token)
            .ConfigureAwait(false);
        return (connection, sessionId);
    }

    /// <summary>
    /// Takes a handshaken connection into use, or handles the expiry it reported. Returns false if it was not adopted.
    /// <paramref name="presented"/> is the session id the attempt presented (0: it asked for a new session).
    /// </summary>
    /// <remarks>
    /// A session that expired or was abandoned is never adopted again (rule 6 of docs/design.md: an expired lease never
    /// comes back). A connect attempt may have started with a session's credentials before the session was abandoned
    /// (its client-side lease ran out while the client was between connections); the servers, which never expired it,
    /// then hand it back. Adopting it as if it were new would tie every later ticket to a lease that has expired for
    /// good — each lost at once — while the servers keep the session's nodes alive. Such an answer is refused: the
    /// session is closed on the servers through this very connection, and the next attempt asks for a new session.
    /// </remarks>
    private async Task<bool> AdoptAsync(ZooKeeperConnection connection, long presented)
    {
        var handshake = connection.Handshake;
        if (handshake.TimeoutMs <= 0)
        {
            connection.Abort(null);
            OnSessionExpired(presented, "the server reported the session expired"); // no-op if it was given up meanwhile
            return false;
        }

        if (presented != 0 && handshake.SessionId != presented)
        {
            OnSessionExpired(presented, "the server gave a different session");
        }

        var resumed = false;
        var refused = false;
        lock (_gate)
        {
            // Checked with the assignment, so a retirement racing with this adoption cannot be undone by it.
            if (_retired.Contains(handshake.SessionId))
            {
                refused = true;
            }
            else
            {
                resumed = _sessionId != 0 && handshake.SessionId == _sessionId;
                _sessionId = handshake.SessionId;
                _password = handshake.Password;
                _negotiatedTimeoutMs = handshake.TimeoutMs;
                if (!resumed)
                {
                    // The server took the new session no earlier than the ConnectRequest was sent; set together with
                    // the id, so a lease started for the new session never starts from the previous one's replies.
                    Interlocked.Exchange(ref _lastAcknowledgedSend, connection.ConnectSentTimestamp);
                }
            }
        }

        if (refused)
        {
            await RefuseRetiredAsync(connection).ConfigureAwait(false);
            return false;
        }

        // The server took the session (back) no earlier than the ConnectRequest was sent.
        ((IConnectionOwner)this).OnAcknowledged(handshake.SessionId, connection.ConnectSentTimestamp);

        if (resumed)
        {
            // Queued before the loops start, so SetWatches is the first request the server sees from us.
            SetWatchesRequest.Send(connection, Watches, _chroot, LastZxid, _options.MaxPacketSize);
        }

        // Authentication belongs to the connection, not the session: every connection presents the credentials again,
        // queued (as ZooKeeper's own client does, after SetWatches) before any request the loops will send.
        foreach (var auth in _options.AuthInfo)
        {
            connection.SendSpecial(SpecialXid.Auth, OpCode.Auth, Requests.Auth(auth));
        }

        connection.Start(TimeSpan.FromMilliseconds(handshake.TimeoutMs));
        var retiredMeanwhile = false;
        lock (_gate)
        {
            if (_closing.IsCancellationRequested)
            {
                connection.Abort(null);
                return false;
            }

            if (_sessionId != handshake.SessionId)
            {
                // Abandoned since the assignment above (its lease ran out): it must not get a connection again.
                retiredMeanwhile = true;
            }
            else
            {
                _connection = connection;
                SetState(resumed ? ZooKeeperConnectionState.Reconnected : ZooKeeperConnectionState.Connected, handshake.SessionId);
                _connected.TrySetResult();
            }
        }

        if (retiredMeanwhile)
        {
            await CloseRetiredAsync(connection, $"Session 0x{handshake.SessionId:x} was given up while it was being adopted.").ConfigureAwait(false);
            return false;
        }

        _logger.LogInformation(
            "ZooKeeper {How} session 0x{Session:x} on {Host}:{Port} (timeout {Timeout} ms).",
            resumed ? "resumed" : "opened",
            handshake.SessionId,
            connection.Server.Host,
            connection.Server.Port,
            handshake.TimeoutMs);
        return true;
    }

    /// <summary>A server handed back a session we gave up: close it there (its nodes go at once) instead of adopting it.</summary>
    private async Task RefuseRetiredAsync(ZooKeeperConnection connection)
    {
        var handshake = connection.Handshake;
        _logger.LogWarning(
            "ZooKeeper server {Host}:{Port} resumed session 0x{Session:x}, which was given up; closing it and opening a new session.",
            connection.Server.Host,
            connection.Server.Port,
            handshake.SessionId);
        connection.Start(TimeSpan.FromMilliseconds(handshake.TimeoutMs));
        await CloseRetiredAsync(connection, $"Session 0x{handshake.SessionId:x} was given up; not resumed.").ConfigureAwait(false);
    }

    /// <summary>
    /// Sends closeSession on a started connection of a retired session, so the servers delete the session's ephemeral
    /// nodes (its tickets) now rather than a session timeout later, then drops the connection. Never throws.
    /// </summary>
    private async Task CloseRetiredAsync(ZooKeeperConnection connection, string why)
    {
        try
        {
            using var timeout = new CancellationTokenSource(RetiredCloseTimeout);
            await connection.SendAsync(OpCode.CloseSession, [], null, null, timeout.Token).ConfigureAwait(false);
            _logger.LogInformation("ZooKeeper closed session 0x{Session:x} on {Host}:{Port}.", connection.Handshake.SessionId, connection.Server.Host, connection.Server.Port);
        }
        catch (Exception e) when (e is KeeperException or OperationCanceledException)
        {
            // The servers expire it for want of pings instead.
            _logger.LogDebug("closeSession of retired session 0x{Session:x} not acknowledged: {Reason}", connection.Handshake.SessionId, e.Message);
        }
        finally
        {
            connection.Abort(new TimeoutException(why));
        }
    }

    /// <summary>
    /// After a whole session timeout without a server, the ensemble has expired the session (or will before we can
    /// reach it): report it lost now rather than let holders believe in locks nobody honours (rule 6 of docs/design.md).
    /// </summary>
    private void ExpireIfCutOffTooLong()
    {
        long session;
        lock (_gate)
        {
            session = _sessionId;
            if (session == 0 || _disconnectedSince == 0
                || Stopwatch.GetElapsedTime(_disconnectedSince) < TimeSpan.FromMilliseconds(_negotiatedTimeoutMs))
            {
                return;
            }
        }

        OnSessionExpired(session, "no server was reachable for a whole session timeout");
    }

    private void OnSessionExpired(long session, string why)
    {
        lock (_gate)
        {
            if (_sessionId != session || session == 0)
            {
                return;
            }

            Retire(session);
            _sessionId = 0;
            _password = new byte[16];
            _disconnectedSince = 0;
            _sessionLost.TrySetResult();
            _sessionLost = NewSignal();
        }

        _logger.LogWarning("ZooKeeper session 0x{Session:x} lost: {Why}.", session, why);
        SetState(ZooKeeperConnectionState.Lost, session);
        foreach (var (path, watcher) in Watches.DrainAll())
        {
            _events.Post(() => watcher(new WatchedEvent(WatchEventType.SessionExpired, path)));
        }
    }

    /// <summary>Remembers a session that expired or was given up, so no server's answer can bring it back. Under _gate.</summary>
    private void Retire(long session)
    {
        if (!_retired.Add(session))
        {
            return;
        }

        _retiredOrder.Enqueue(session);
        while (_retiredOrder.Count > RetiredMemory)
        {
            _retired.Remove(_retiredOrder.Dequeue());
        }
    }

    /// <summary>
    /// The servers refused our credentials: nothing this client does can succeed, and reconnecting would only be refused
    /// again (a retry storm against the ensemble). The client stops connecting and every call fails with the reason.
    /// </summary>
    void IConnectionOwner.OnAuthFailed(KeeperErrorCode error)
    {
        var schemes = string.Join(", ", _options.AuthInfo.Select(a => a.Scheme));
        var failure = new AuthFailedException(null, $"The ZooKeeper servers refused this client's credentials (scheme {schemes}: {error}); the client stopped connecting.");
        if (Interlocked.CompareExchange(ref _authFailure, failure, null) is not null)
        {
            return;
        }

        _logger.LogError("{Reason}", failure.Message);
        _closing.Cancel();
        lock (_gate)
        {
            _connected.TrySetException(failure);
            _connection?.Abort(failure);
        }

        SetState(ZooKeeperConnectionState.Lost, SessionId);
    }

    private void SetState(ZooKeeperConnectionState state, long session)
    {
        lock (_gate)
        {
            if (_state == state || _state == ZooKeeperConnectionState.Closed)
            {
                return;
            }

            _state = state;
        }

        var args = new ZooKeeperConnectionStateChangedEventArgs(state, session);
        _events.Post(() => ConnectionStateChanged?.Invoke(this, args));
    }

    private async Task PauseAsync()
    {
        try
        {
            await Task.Delay(RetryPause, _closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Closing: the loop checks the token next.
        }
    }
}
