using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MusicRecipes.Tls;
using MusicRecipes.ZooKeeper.Protocol;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// One TCP connection (inside TLS when <see cref="ZooKeeperClientOptions.Tls"/> is set) to one server, after the handshake: a single writer loop (requests never interleave on the
/// socket), a reader loop that matches replies to requests by xid and hands notifications to the owner, and a
/// timer that pings when the connection has been idle for a sixth of the session timeout and gives up on the
/// server when nothing arrived for two thirds of it (ClientCnxn's readTimeout). When any of them fails, the
/// connection aborts and every pending request fails with ConnectionLoss. Every reply (pings included) is reported to
/// the owner with the time its request was queued, for the session's client-side lease.
/// </summary>
internal sealed class ZooKeeperConnection
{
    private static readonly byte[] PingPacket = Requests.Frame(SpecialXid.Ping, OpCode.Ping, []);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly IConnectionOwner _owner;
    private readonly ILogger _logger;
    private readonly int _maxIncoming;
    private readonly Channel<byte[]> _outgoing = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<int, PendingRequest> _pending = new();
    private readonly ConcurrentQueue<long> _pingsSent = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextXid;
    private int _aborted;
    private long _lastSend;
    private long _lastReceive;

    private ZooKeeperConnection(Socket socket, Stream stream, DnsEndPoint server, ConnectResponse handshake, long connectSentTimestamp, IConnectionOwner owner, int maxIncoming, ILogger logger)
    {
        ConnectSentTimestamp = connectSentTimestamp;
        _socket = socket;
        _stream = stream;
        Server = server;
        Handshake = handshake;
        _owner = owner;
        _maxIncoming = maxIncoming;
        _logger = logger;
        _lastSend = _lastReceive = Stopwatch.GetTimestamp();
    }

    public DnsEndPoint Server { get; }

    public ConnectResponse Handshake { get; }

    /// <summary>When the ConnectRequest was sent: the server took the session (back) no earlier.</summary>
    public long ConnectSentTimestamp { get; }

    /// <summary>Completes when the connection is gone.</summary>
    public Task Closed => _closed.Task;

    public bool IsAborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>A connection after the <see cref="ServerHandshake"/>; the caller decides what a timeout of 0 (expired session) means.</summary>
    /// <exception cref="ZooKeeperTlsException">The TLS handshake failed for good.</exception>
    public static async Task<ZooKeeperConnection> OpenAsync(
        DnsEndPoint server,
        byte[] connectRequest,
        TimeSpan connectTimeout,
        TlsClientOptions? tls,
        IConnectionOwner owner,
        int maxIncoming,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var opened = await ServerHandshake.RunAsync(server, connectRequest, connectTimeout, tls, cancellationToken).ConfigureAwait(false);
        return new ZooKeeperConnection(opened.Socket, opened.Stream, server, opened.Response, opened.ConnectSentTimestamp, owner, maxIncoming, logger);
    }

    /// <summary>Starts the loops. Call once, after queueing anything that must be sent first (SetWatches).</summary>
    public void Start(TimeSpan sessionTimeout)
    {
        _ = Task.Run(WriteLoopAsync);
        _ = Task.Run(ReadLoopAsync);
        _ = Task.Run(() => KeepAliveLoopAsync(sessionTimeout));
    }

    /// <summary>Sends a numbered request and awaits its reply. Fails with ConnectionLoss if the connection goes first.</summary>
    public async Task<Reply> SendAsync(int opCode, byte[] body, WatchRegistration? watch, string? path, CancellationToken cancellationToken)
    {
        var xid = Interlocked.Increment(ref _nextXid);
        var pending = new PendingRequest(xid, watch, Stopwatch.GetTimestamp());
        _pending[xid] = pending;
        if (IsAborted || !_outgoing.Writer.TryWrite(Requests.Frame(xid, opCode, body)))
        {
            _pending.TryRemove(xid, out _);
            throw new ConnectionLossException(path, $"The connection to {Server.Host}:{Server.Port} was lost before the request was sent.");
        }

        if (IsAborted && _pending.TryRemove(xid, out _))
        {
            // Abort drained the table just before we added to it.
            throw new ConnectionLossException(path);
        }

        using var registration = cancellationToken.Register(
            static state =>
            {
                var (connection, pendingRequest, token) = ((ZooKeeperConnection, PendingRequest, CancellationToken))state!;
                if (connection._pending.TryRemove(pendingRequest.Xid, out _))
                {
                    pendingRequest.Cancel(token);
                }
            },
            (this, pending, cancellationToken));
        try
        {
            return await pending.Task.ConfigureAwait(false);
        }
        catch (ConnectionLostSignal)
        {
            throw new ConnectionLossException(path, $"The connection to {Server.Host}:{Server.Port} was lost; the outcome of the request is unknown.");
        }
    }

    /// <summary>Queues a packet with a reserved xid (SetWatches); its reply is not awaited.</summary>
    public void SendSpecial(int xid, int opCode, byte[] body) => _outgoing.Writer.TryWrite(Requests.Frame(xid, opCode, body));

    /// <summary>Closes the socket and fails every pending request with ConnectionLoss. Idempotent.</summary>
    public void Abort(Exception? reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        if (reason is not null)
        {
            _logger.LogInformation("ZooKeeper connection to {Host}:{Port} lost: {Reason}", Server.Host, Server.Port, reason.Message);
        }

        _outgoing.Writer.TryComplete();
        _stop.Cancel();
        _socket.Dispose();
        _stream.Dispose();
        foreach (var xid in _pending.Keys)
        {
            if (_pending.TryRemove(xid, out var pending))
            {
                pending.Fail(new ConnectionLostSignal());
            }
        }

        _closed.TrySetResult();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var packet in _outgoing.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await _stream.WriteAsync(packet, _stop.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastSend, Stopwatch.GetTimestamp());
            }
        }
        catch (Exception e)
        {
            Abort(e);
        }
    }

    private async Task ReadLoopAsync()
    {
        var prefix = new byte[4];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(prefix, _stop.Token).ConfigureAwait(false);
                var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
                if (length < 16 || length > _maxIncoming)
                {
                    throw new InvalidDataException($"ZooKeeper reply length {length} is out of range (limit {_maxIncoming}).");
                }

                var frame = new byte[length];
                await _stream.ReadExactlyAsync(frame, _stop.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastReceive, Stopwatch.GetTimestamp());
                Dispatch(frame);
            }
        }
        catch (Exception e)
        {
            Abort(e);
        }
    }

    private void Dispatch(byte[] frame)
    {
        var reader = new JuteReader(frame);
        var xid = reader.ReadInt();
        var zxid = reader.ReadLong();
        var error = reader.ReadInt();
        switch (xid)
        {
            case SpecialXid.Ping:
                // Pings are answered in order: this reply is for the oldest ping still unanswered.
                if (_pingsSent.TryDequeue(out var pingSent))
                {
                    _owner.OnAcknowledged(Handshake.SessionId, pingSent);
                }

                return;
            case SpecialXid.Auth:
                if (error != 0)
                {
                    _owner.OnAuthFailed((KeeperErrorCode)error);
                }

                return;
            case SpecialXid.SetWatches:
                if (error != 0)
                {
                    _logger.LogWarning("ZooKeeper SetWatches failed with {Error}.", (KeeperErrorCode)error);
                }

                return;
            case SpecialXid.Notification:
                var type = reader.ReadInt();
                reader.ReadInt();
                var path = reader.ReadString() ?? "/";
                if (type is >= 1 and <= 4)
                {
                    _owner.OnNotification((WatchEventType)type, path);
                }

                return;
        }

        if (zxid > 0)
        {
            _owner.ObserveZxid(zxid);
        }

        if (!_pending.TryRemove(xid, out var pending))
        {
            // Cancelled by its caller; xids are never reused on a connection, so nothing else can match.
            return;
        }

        pending.Watch?.Apply(_owner.Watches, (KeeperErrorCode)error);
        if ((KeeperErrorCode)error is not KeeperErrorCode.SessionExpired and not KeeperErrorCode.SessionMoved)
        {
            _owner.OnAcknowledged(Handshake.SessionId, pending.SentTimestamp);
        }

        pending.Complete(new Reply(zxid, error, frame, reader.Position));
    }

    private async Task KeepAliveLoopAsync(TimeSpan sessionTimeout)
    {
        // Pings twice as often as ZooKeeper's own client: each answered ping renews the session's client-side lease,
        // which ends at 80 % of the timeout (rule 6), so a short stall of this process must not outlast it.
        var pingAfter = sessionTimeout / 6;
        var giveUpAfter = sessionTimeout * 2 / 3;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(20, sessionTimeout.TotalMilliseconds / 24)));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastReceive)) > giveUpAfter)
                {
                    Abort(new TimeoutException($"Nothing received from the server for {giveUpAfter.TotalMilliseconds:F0} ms."));
                    return;
                }

                if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSend)) >= pingAfter)
                {
                    var now = Stopwatch.GetTimestamp();
                    _pingsSent.Enqueue(now);
                    _outgoing.Writer.TryWrite(PingPacket);
                    Volatile.Write(ref _lastSend, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by Abort.
        }
    }

    /// <summary>Internal marker: the connection died under a pending request; the caller turns it into ConnectionLoss with its path.</summary>
    private sealed class ConnectionLostSignal : Exception
    {
    }
}
