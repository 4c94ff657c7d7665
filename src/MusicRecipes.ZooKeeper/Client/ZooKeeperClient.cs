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
    private KeeperException? _finalFailure; // refused credentials or TLS: the client stopped connecting for good
    private string? _lastConnectError; // why the latest connect attempt failed, for the "no server reachable" message
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
        options.Tls?.Validate();
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

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

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
