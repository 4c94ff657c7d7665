using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MusicRecipes.Cql.Protocol;
using MusicRecipes.Tls;

namespace MusicRecipes.Cql.Connections;

/// <summary>
/// One TCP connection (inside TLS when <see cref="CqlSessionOptions.Tls"/> is set) to one node, multiplexing requests by stream id. Exactly one writer task drains a channel
/// of frames (so frames never interleave on the socket) and exactly one reader task reads whole frames
/// (ReadExactly copes with partial socket reads) and completes the waiting request; continuations run on the
/// thread pool. Any I/O error closes the connection and fails every request in flight.
/// </summary>
internal sealed partial class CqlConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly Channel<OutgoingRequest> _outgoing =
        Channel.CreateUnbounded<OutgoingRequest>(new UnboundedChannelOptions { SingleReader = true });

    private readonly OutgoingRequest?[] _inFlight;
    private readonly StreamIdPool _ids;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private Task _heartbeatLoop = Task.CompletedTask;
    private long _lastReadTicks;
    private int _closing;

    private CqlConnection(Socket socket, Stream stream, IPEndPoint endPoint, byte version, int maxRequests, ILogger logger)
    {
        _socket = socket;
        _stream = stream;
        EndPoint = endPoint;
        Version = version;
        _inFlight = new OutgoingRequest?[maxRequests + 1];
        _ids = new StreamIdPool(maxRequests);
        _logger = logger;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The protocol version of this connection (3 or 4).</summary>
    public byte Version { get; }

    public bool IsClosed => Volatile.Read(ref _closing) != 0;

    /// <summary>Completes (with the reason, or null for a local close) once the connection is closed.</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>Server-pushed EVENT frames (stream -1); invoked on the thread pool.</summary>
    public Action<Frame>? EventReceived { get; set; }

    public int InFlight => _ids.InUse;

    /// <summary>Opens the socket, runs the TLS handshake if configured, starts the loops and runs the STARTUP handshake (and USE keyspace).</summary>
    /// <exception cref="ProtocolVersionRejectedException">The node does not speak <paramref name="version"/>.</exception>
    /// <exception cref="CqlTlsException">The TLS handshake failed for good (see <see cref="CqlSessionOptions.Tls"/>).</exception>
    public static async Task<CqlConnection> OpenAsync(IPEndPoint endPoint, byte version, CqlSessionOptions options, CancellationToken cancellationToken)
    {
        var logger = options.LoggerFactory.CreateLogger<CqlConnection>();
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        CqlConnection? connection = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Tls is { } tls)
            {
                try
                {
                    stream = await TlsClientHandshake.AuthenticateAsync(stream, endPoint.Address.ToString(), tls, timeout.Token).ConfigureAwait(false);
                }
                catch (TlsHandshakeException e)
                {
                    throw CqlTlsFailure.ToException(e, endPoint);
                }
            }

            connection = new CqlConnection(socket, stream, endPoint, version, options.MaxRequestsPerConnection, logger);
            connection.Start(options.HeartbeatInterval, options.ConnectTimeout);
            await connection.HandshakeAsync(options, timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new CqlConnectionException($"Connecting took longer than {options.ConnectTimeout.TotalMilliseconds:0} ms", endPoint, requestMayHaveBeenSent: false, e);
            }

            if (e is SocketException or IOException)
            {
                throw new CqlConnectionException($"Cannot connect: {e.Message}", endPoint, requestMayHaveBeenSent: false, e);
            }

            if (e is CqlConnectionException { InnerException: IOException } && connection is not null && options.Tls is null)
            {
                // A node that serves TLS only drops a plain STARTUP without a word: name that cause among the possible
                // ones (a node going down, or a network cut, closes the connection the same way).
                throw new CqlConnectionException(
                    "The node closed the connection without answering STARTUP (the node or the network may have failed; a node with client_encryption_options enabled also does that to a client without CqlSessionOptions.Tls)",
                    endPoint,
                    requestMayHaveBeenSent: false,
                    e);
            }

            throw;
        }
    }

    /// <summary>
    /// Sends a request frame (built by <see cref="RequestBuilder"/>) and waits for its response. On timeout the
    /// stream id stays reserved until the late response arrives or the connection closes.
    /// </summary>
    public async Task<Frame> SendAsync(byte[] frame, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        using var waitForId = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        waitForId.CancelAfter(timeout);
        short id;
        try
        {
            id = await _ids.RentAsync(waitForId.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ThrowIfClosed();
            throw new CqlRequestTimeoutException(EndPoint, timeout);
        }

        // A private copy: the same request bytes may be retried on another connection concurrently.
        var bytes = frame.ToArray();
        bytes[0] = Version;
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(2), id);
        var request = new OutgoingRequest(bytes, id);
        Volatile.Write(ref _inFlight[id], request);
        if (!_outgoing.Writer.TryWrite(request))
        {
            Volatile.Write(ref _inFlight[id], null);
            _ids.Return(id);
            ThrowIfClosed();
        }

        try
        {
            return await request.Completion.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            request.TryAbandonBeforeWrite();
            throw new CqlRequestTimeoutException(EndPoint, timeout);
        }
        catch (OperationCanceledException)
        {
            request.TryAbandonBeforeWrite();
            throw;
        }
    }

    /// <summary>Closes the connection and fails everything in flight.</summary>
    public void Close(Exception? reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        if (reason is not null)
        {
            _logger.LogDebug(reason, "Connection to {Host} closed", EndPoint);
        }

        _outgoing.Writer.TryComplete();
        _shutdown.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing left to shut down.
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }

        _stream.Dispose();
        for (var i = 0; i < _inFlight.Length; i++)
        {
            var request = Interlocked.Exchange(ref _inFlight[i], null);
            request?.Completion.TrySetException(new CqlConnectionException(
                "Connection closed before the response arrived", EndPoint, requestMayHaveBeenSent: request.WasWritten, reason));
        }

        _closed.TrySetResult(reason);
    }

    public async ValueTask DisposeAsync()
    {
        Close(null);
        try
        {
            await Task.WhenAll(_readLoop, _writeLoop, _heartbeatLoop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            // The loops end by exactly these exceptions when the socket is torn down.
        }

        _ids.Dispose();
        _shutdown.Dispose();
    }

    private void Start(TimeSpan heartbeatInterval, TimeSpan heartbeatTimeout)
    {
        _lastReadTicks = Environment.TickCount64;
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
        if (heartbeatInterval > TimeSpan.Zero)
        {
            _heartbeatLoop = Task.Run(() => HeartbeatLoopAsync(heartbeatInterval, heartbeatTimeout));
        }
    }

    private async Task HandshakeAsync(CqlSessionOptions options, CancellationToken cancellationToken)
    {
        var response = await SendAsync(RequestBuilder.Startup(), options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var reader = ResponseParser.Open(response, out _, out _);
            switch (response.Opcode)
            {
                case Opcode.Ready:
                case Opcode.AuthSuccess:
                    break;
                case Opcode.Error:
                    var error = ResponseParser.ReadError(reader, EndPoint);
                    var serverVersion = response.Version & 0x7F;
                    if (serverVersion != Version || error.ServerMessage.Contains("protocol version", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new ProtocolVersionRejectedException(Version, serverVersion, error.ServerMessage);
                    }

                    throw error;
                case Opcode.Authenticate:
                case Opcode.AuthChallenge:
                    if (options.Username is null)
                    {
                        var authenticator = response.Opcode == Opcode.Authenticate ? reader.ReadString() : "?";
                        throw new CqlAuthenticationException($"The node requires authentication ({authenticator}) but no credentials are configured.", EndPoint);
                    }

                    // PasswordAuthenticator's SASL PLAIN token: \0user\0password.
                    var token = Encoding.UTF8.GetBytes($"\0{options.Username}\0{options.Password}");
                    response = await SendAsync(RequestBuilder.AuthResponse(token), options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    throw new CqlProtocolViolationException($"Unexpected {response.Opcode} answer to STARTUP.");
            }

            break;
        }

        if (options.Keyspace is { } keyspace)
        {
            var use = RequestBuilder.Query(new CqlQuery($"USE \"{keyspace.Replace("\"", "\"\"", StringComparison.Ordinal)}\""), new QueryParameters(CqlConsistency.One, null, null, null, null), tracing: false);
            var answer = await SendAsync(use, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            if (answer.Opcode == Opcode.Error)
            {
                throw ResponseParser.ReadError(ResponseParser.Open(answer, out _, out _), EndPoint);
            }
        }
    }

    private void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw new CqlConnectionException("Connection is closed", EndPoint, requestMayHaveBeenSent: false, _closed.Task.IsCompleted ? _closed.Task.Result : null);
        }
    }
}
