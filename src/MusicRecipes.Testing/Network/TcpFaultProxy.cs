using System.Diagnostics;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MusicRecipes.Testing.Network;

/// <summary>
/// A TCP proxy on loopback in front of one server, for fault injection without <c>tc netem</c>: it can add latency
/// to every chunk in both directions, cut every connection and refuse new ones (a partition that both ends notice at
/// once), stall every connection (a silent partition: nothing arrives and nothing fails until an end times out), and
/// heal. A cut can also be scoped to the connections from one source address (<see cref="CutFrom"/>), for a server
/// that several peers reach through the same proxy.
/// </summary>
/// <remarks>
/// A stall holds data instead of dropping it, as TCP does across a partition (it retransmits until the link heals or
/// an end gives up), so a connection that survives the stall resumes with its byte stream intact.
/// </remarks>
/// <example>
/// <code>
/// await using var proxy = TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, 2181));
/// var connect = $"127.0.0.1:{proxy.Port}";   // give clients the proxy's address
/// proxy.Latency = TimeSpan.FromMilliseconds(40); // a WAN between the client and this server
/// proxy.Cut();                                   // partition: drop connections, refuse new ones
/// proxy.Heal();
/// proxy.Stall();                                 // silent partition: connections stay open, nothing gets through
/// proxy.Heal();                                  // what was held is delivered
/// </code>
/// </example>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly EndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, (Socket Client, Socket Server)> _connections = new();
    private readonly ConcurrentDictionary<IPAddress, byte> _cutSources = new();
    private readonly Task _acceptLoop;
    private int _nextConnection;
    private volatile bool _cut;
    private volatile TaskCompletionSource? _stall;
    private long _latencyTicks;

    // How late the send loops wake after their delays (Stopwatch ticks), learnt from the chunks that waited. Later waits
    // are shortened by it, so a chunk leaves at its due time on average instead of a scheduler's slack after it: on a
    // busy 2-core machine that slack was 3-4 ms per hop, a fifth of a 20 ms delay.
    private long _wakeLateness;

    private TcpFaultProxy(EndPoint target, IPEndPoint listenOn)
    {
        _target = target;
        _listener = new TcpListener(listenOn);
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port the proxy listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Delay added to every chunk forwarded, in each direction (on average: each wait is corrected by how late the timers have been waking).</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    /// <summary>
    /// Called once for every new connection; the action it returns sees every chunk the client sends on that
    /// connection, in order, as it arrives. For counting requests on the wire at the server's door (for example by
    /// protocol frame). Null: nothing observes.
    /// </summary>
    public Func<Action<ReadOnlyMemory<byte>>>? ClientStreamObserver { get; set; }

    /// <summary>True while the proxy is cut.</summary>
    public bool IsCut => _cut;

    /// <summary>True while the proxy is stalled.</summary>
    public bool IsStalled => _stall is not null;

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionsAccepted => Volatile.Read(ref _nextConnection);

    /// <summary>Starts a proxy on 127.0.0.1 (<paramref name="listenPort"/> 0 picks a free port) forwarding to <paramref name="target"/>.</summary>
    public static TcpFaultProxy Start(EndPoint target, int listenPort = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new TcpFaultProxy(target, new IPEndPoint(IPAddress.Loopback, listenPort));
    }

    /// <summary>
    /// Starts a proxy listening on <paramref name="listenOn"/> (any local address, e.g. 127.0.1.2:7000 as the address a
    /// server advertises to its peers) forwarding to <paramref name="target"/>.
    /// </summary>
    public static TcpFaultProxy Start(EndPoint target, IPEndPoint listenOn)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(listenOn);
        return new TcpFaultProxy(target, listenOn);
    }

    /// <summary>Partition: closes every open connection and refuses new ones until <see cref="Heal"/>.</summary>
    public void Cut()
    {
        _cut = true;
        Reset();
    }

    /// <summary>
    /// Partition from one source only: closes the connections whose client end has address <paramref name="source"/>
    /// and refuses new ones from it until <see cref="Heal"/>; other connections go on. Meant for peers that bind their
    /// outgoing connections to an address of their own (Cassandra binds them to its <c>listen_address</c>).
    /// </summary>
    public void CutFrom(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _cutSources[source] = 0;
        foreach (var (id, pair) in _connections)
        {
            if (IsFrom(pair.Client, source))
            {
                CloseConnection(id);
            }
        }
    }

    /// <summary>
    /// Closes every open connection but keeps accepting new ones (as when a server drops its connections). With
    /// <see cref="Stall"/> on, the clients' next connections are then accepted and held: a client sits mid-handshake,
    /// between connections, for as long as the test likes.
    /// </summary>
    public void Reset()
    {
        foreach (var id in _connections.Keys)
        {
            CloseConnection(id);
        }
    }

    /// <summary>
    /// Silent partition: open connections stay open but nothing is forwarded either way, and new connections are
    /// accepted but not connected through, until <see cref="Heal"/>. Neither end is told; each finds out only by its
    /// own timeouts, as across a real network partition.
    /// </summary>
    public void Stall()
    {
        lock (_listener)
        {
            _stall ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Ends a cut (of every source) or a stall; data held by a stall is delivered in order.</summary>
    public void Heal()
    {
        _cut = false;
        _cutSources.Clear();
        lock (_listener)
        {
            _stall?.TrySetResult();
            _stall = null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopping
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_cut || IsCutSource(client))
            {
                client.Close(); // refused: the far side is unreachable
                continue;
            }

            _ = Task.Run(() => BridgeAsync(client));
        }
    }

    private async Task BridgeAsync(Socket client)
    {
        var id = Interlocked.Increment(ref _nextConnection);
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await WhileStalledAsync().ConfigureAwait(false);
            await server.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            client.Close();
            server.Dispose();
            return;
        }

        _connections[id] = (client, server);
        if (IsCutSource(client))
        {
            // Cut from this source while the connection was being made: CutFrom did not see it yet.
            CloseConnection(id);
            return;
        }

        await Task.WhenAny(PumpAsync(client, server, ClientStreamObserver?.Invoke()), PumpAsync(server, client, observe: null)).ConfigureAwait(false);
        CloseConnection(id);
    }

    /// <summary>
    /// Forwards one direction. Reads are stamped with a due time and sent by a separate loop, so latency delays
    /// each chunk without serialising a pipelined stream (as a WAN link would).
    /// </summary>
    private async Task PumpAsync(Socket from, Socket to, Action<ReadOnlyMemory<byte>>? observe)
    {
        var queue = System.Threading.Channels.Channel.CreateUnbounded<(long Due, byte[] Bytes)>(new() { SingleReader = true, SingleWriter = true });
        var sender = SendLoopAsync(queue.Reader, to);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0 || _cut)
                {
                    return;
                }

                observe?.Invoke(buffer.AsMemory(0, read));
                var due = Stopwatch.GetTimestamp() + (long)(Latency.TotalSeconds * Stopwatch.Frequency);
                queue.Writer.TryWrite((due, buffer.AsSpan(0, read).ToArray()));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the connection is gone
        }
        finally
        {
            queue.Writer.TryComplete();
            await sender.ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync(System.Threading.Channels.ChannelReader<(long Due, byte[] Bytes)> reader, Socket to)
    {
        try
        {
            await foreach (var (due, bytes) in reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var wait = due - Stopwatch.GetTimestamp() - Interlocked.Read(ref _wakeLateness);
                if (wait > 0)
                {
                    await Task.Delay(Stopwatch.GetElapsedTime(0, wait), _stop.Token).ConfigureAwait(false);
                    LearnWakeLateness(Stopwatch.GetTimestamp() - due);
                }

                await WhileStalledAsync().ConfigureAwait(false);

                if (_cut)
                {
                    return;
                }

                await to.SendAsync(bytes, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the connection is gone
        }
    }

    /// <summary>Moves the lateness estimate an eighth of the way towards this wake's error (late positive, early negative).</summary>
    private void LearnWakeLateness(long error)
    {
        var limit = (long)(Latency.TotalSeconds * Stopwatch.Frequency) / 2;
        var estimate = Interlocked.Read(ref _wakeLateness) + (error / 8);
        Interlocked.Exchange(ref _wakeLateness, Math.Clamp(estimate, 0, limit));
    }

    private bool IsCutSource(Socket socket) => !_cutSources.IsEmpty && _cutSources.Keys.Any(source => IsFrom(socket, source));

    private static bool IsFrom(Socket socket, IPAddress source)
    {
        try
        {
            return socket.RemoteEndPoint is IPEndPoint remote && remote.Address.Equals(source);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private Task WhileStalledAsync() => _stall is { } stall ? stall.Task.WaitAsync(_stop.Token) : Task.CompletedTask;

    private void CloseConnection(int id)
    {
        if (_connections.TryRemove(id, out var pair))
        {
            pair.Client.Close();
            pair.Server.Close();
        }
    }
}
