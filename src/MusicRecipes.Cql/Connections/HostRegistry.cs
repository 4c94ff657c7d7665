using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using MusicRecipes.Cql.Protocol;

namespace MusicRecipes.Cql.Connections;

/// <summary>
/// The nodes of the cluster and their connections: contact points first, then peers discovered from
/// system.peers; the negotiated protocol version; the control connection that receives topology and status
/// events; reconnection with exponential backoff; and the query plan (local data centre first, round-robin). With
/// <see cref="CqlSessionOptions.DiscoverPeers"/> off, peers only update what is known of the contact points.
/// </summary>
internal sealed partial class HostRegistry : IAsyncDisposable
{
    private static readonly IReadOnlyList<string> EventTypes = new[] { "TOPOLOGY_CHANGE", "STATUS_CHANGE" };

    private readonly ConcurrentDictionary<IPEndPoint, CqlHost> _hosts = new();
    private readonly CqlSessionOptions _options;
    private readonly Func<CqlConnection, CancellationToken, Task> _onOpened;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _controlLock = new(1, 1);
    private int _version;
    private int _roundRobin;
    private CqlConnection? _control;

    public HostRegistry(CqlSessionOptions options, Func<CqlConnection, CancellationToken, Task> onOpened)
    {
        _options = options;
        _onOpened = onOpened;
        _version = options.MaxProtocolVersion;
        _logger = options.LoggerFactory.CreateLogger<HostRegistry>();
    }

    /// <summary>The protocol version every connection uses after negotiation.</summary>
    public int ProtocolVersion => Volatile.Read(ref _version);

    public string? LocalDataCenter { get; private set; }

    public CancellationToken Lifetime => _lifetime.Token;

    public IReadOnlyList<CqlHost> Hosts => _hosts.Values.OrderBy(h => h.EndPoint.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>Connects to the first contact point that answers and discovers the rest of the cluster.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var errors = new Dictionary<IPEndPoint, Exception>();
        foreach (var contact in _options.ContactPoints)
        {
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(contact, out var parsed)
                    ? new[] { parsed }
                    : await Dns.GetHostAddressesAsync(contact, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                errors[new IPEndPoint(IPAddress.None, _options.Port)] = new CqlConnectionException($"Cannot resolve {contact}: {e.Message}", null, false, e);
                continue;
            }

            foreach (var address in addresses)
            {
                _hosts.GetOrAdd(new IPEndPoint(address, _options.Port), static ep => new CqlHost(ep));
            }
        }

        foreach (var host in _hosts.Values.ToList())
        {
            try
            {
                await BecomeControlAsync(host, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is CqlAuthenticationException or CqlTlsException)
            {
                // Credentials and the TLS setup (trusted roots, client certificate, host name) are the cluster's, not one
                // node's: every other node would refuse them too. Said at once, as itself, not buried in a "no host
                // available" (and not tried on every node, then again and again).
                throw;
            }
            catch (Exception e) when (e is CqlException or IOException)
            {
                errors[host.EndPoint] = e;
            }
        }

        throw new CqlNoHostAvailableException("No contact point could be reached", errors);
    }

    /// <summary>
    /// Hosts to try for one request: up hosts of the local data centre (rotating), then up remote hosts, then
    /// hosts marked down as a last resort.
    /// </summary>
    public IEnumerable<CqlHost> QueryPlan()
    {
        var hosts = _hosts.Values.ToArray();
        var start = Interlocked.Increment(ref _roundRobin) & int.MaxValue;
        var rotated = hosts.Length == 0 ? hosts : hosts.Skip(start % hosts.Length).Concat(hosts.Take(start % hosts.Length)).ToArray();
        var local = LocalDataCenter;

        // Materialized now: evaluated lazily, a host that failed (and was marked down) during the plan's first part came
        // again in its last part, and a second attempt on it ("connection is closed", not sent) replaced the first
        // one's ambiguous error — a write that may have been applied was reported as not tried at all.
        return rotated.Where(h => !h.IsDown && (local is null || h.DataCenter is null || h.DataCenter == local))
            .Concat(rotated.Where(h => !h.IsDown && local is not null && h.DataCenter is not null && h.DataCenter != local))
            .Concat(rotated.Where(h => h.IsDown))
            .ToArray();
    }

    public CqlHost? Find(IPEndPoint endPoint) => _hosts.TryGetValue(endPoint, out var host) ? host : null;

    /// <summary>The host's connection, opening it if needed. A failure marks the host down and starts reconnecting.</summary>
    public async Task<CqlConnection> GetConnectionAsync(CqlHost host, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await host.GetOrOpen(() => OpenAsync(host)).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (host.IsDown)
            {
                host.MarkUp();
                _logger.LogInformation("Node {Host} is up", host.EndPoint);
            }

            return connection;
        }
        catch (Exception e) when (e is CqlException or IOException && !cancellationToken.IsCancellationRequested)
        {
            OnHostFailed(host, e);
            throw;
        }
    }

    /// <summary>Runs a query on one connection outside the retry machinery (metadata reads).</summary>
    public async Task<CqlRowSet> QueryOnAsync(CqlConnection connection, string cql, CancellationToken cancellationToken)
    {
        var frame = RequestBuilder.Query(new CqlQuery(cql), new QueryParameters(CqlConsistency.One, null, null, null, null), tracing: false);
        var response = await connection.SendAsync(frame, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var reader = ResponseParser.Open(response, out _, out _);
        if (response.Opcode == Opcode.Error)
        {
            throw ResponseParser.ReadError(reader, connection.EndPoint);
        }

        return ResponseParser.ReadResult(reader, connection.Version, out _);
    }

    /// <summary>Re-reads system.local and system.peers through the control connection.</summary>
    public async Task RefreshPeersAsync(CancellationToken cancellationToken)
    {
        var control = _control;
        if (control is null || control.IsClosed)
        {
            return;
        }

        var local = await QueryOnAsync(control, "SELECT data_center, rack FROM system.local", cancellationToken).ConfigureAwait(false);
        if (Find(control.EndPoint) is { } controlHost && local.Rows.Count > 0)
        {
            controlHost.DataCenter = local.Rows[0].Get<string>("data_center");
            controlHost.Rack = local.Rows[0].Get<string>("rack");
            LocalDataCenter ??= _options.LocalDataCenter ?? controlHost.DataCenter;
        }

        var peers = await QueryOnAsync(control, "SELECT peer, rpc_address, data_center, rack FROM system.peers", cancellationToken).ConfigureAwait(false);
        foreach (var row in peers.Rows)
        {
            // rpc_address is where the node serves clients; 0.0.0.0 means "all interfaces", so use its gossip address.
            var address = row.Get<IPAddress>("rpc_address");
            if (address is null || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            {
                address = row.Get<IPAddress>("peer");
            }

            if (address is null)
            {
                continue;
            }

            var endPoint = new IPEndPoint(address, _options.Port);
            var host = _options.DiscoverPeers ? _hosts.GetOrAdd(endPoint, static ep => new CqlHost(ep)) : Find(endPoint);
            if (host is null)
            {
                continue;
            }

            host.DataCenter = row.Get<string>("data_center");
            host.Rack = row.Get<string>("rack");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lifetime.Cancel();
        foreach (var host in _hosts.Values)
        {
            await host.CloseAsync().ConfigureAwait(false);
        }

        _controlLock.Dispose();
        _lifetime.Dispose();
    }

    private async Task BecomeControlAsync(CqlHost host, CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(host, cancellationToken).ConfigureAwait(false);
        connection.EventReceived = OnEvent;
        var answer = await connection.SendAsync(RequestBuilder.Register(EventTypes), _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        if (answer.Opcode == Opcode.Error)
        {
            throw ResponseParser.ReadError(ResponseParser.Open(answer, out _, out _), host.EndPoint);
        }

        _control = connection;
        await RefreshPeersAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogDebug("Control connection on {Host} (protocol v{Version}, local data centre {DataCenter})", host.EndPoint, connection.Version, LocalDataCenter);
    }

    private async Task<CqlConnection> OpenAsync(CqlHost host)
    {
        while (true)
        {
            var version = ProtocolVersion;
            CqlConnection connection;
            try
            {
                connection = await CqlConnection.OpenAsync(host.EndPoint, (byte)version, _options, _lifetime.Token).ConfigureAwait(false);
            }
            catch (ProtocolVersionRejectedException e) when (version > 3)
            {
                // Cassandra 2.1 answers v4 with a v3 error frame and keeps the socket open: reconnect speaking v3.
                var lower = Math.Clamp(e.ServerVersion, 3, version - 1);
                Interlocked.CompareExchange(ref _version, lower, version);
                _logger.LogInformation("Node {Host} refused protocol v{Offered}; using v{Version}", host.EndPoint, version, lower);
                continue;
            }

            try
            {
                await _onOpened(connection, _lifetime.Token).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _ = connection.Closed.ContinueWith(
                (closed, state) => OnConnectionClosed((CqlHost)state!, connection, closed.Result),
                host,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return connection;
        }
    }
}
