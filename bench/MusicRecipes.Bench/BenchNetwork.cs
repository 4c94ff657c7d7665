using System.Globalization;
using System.Net;
using MusicRecipes.Cql;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Bench;

/// <summary>
/// How the bench's clients reach the servers in one pass. "loopback": directly. "wan": every request of the
/// consensus/quorum path goes through a <see cref="TcpFaultProxy"/> that delays each chunk by the one-way WAN delay
/// in each direction, so each request/response round trip pays twice that. ZooKeeper clients connect through one
/// proxy per server; critical Cassandra traffic goes through one proxy in front of node 1 (the session's other
/// nodes are unreachable on the proxy port, so node 1 coordinates everything). Eventual Cassandra operations keep
/// using the direct session: MUSIC's eventual get/put are served by the client's own site.
/// </summary>
internal sealed class BenchNetwork : IAsyncDisposable
{
    private readonly List<TcpFaultProxy> _proxies;
    private readonly bool _ownsCriticalSession;

    private BenchNetwork(string name, TimeSpan oneWay, string zooKeeper, CqlSession direct, CqlSession critical, List<TcpFaultProxy> proxies)
    {
        Name = name;
        OneWay = oneWay;
        ZooKeeperConnectionString = zooKeeper;
        DirectSession = direct;
        CriticalSession = critical;
        _proxies = proxies;
        _ownsCriticalSession = !ReferenceEquals(direct, critical);
    }

    public string Name { get; }

    public TimeSpan OneWay { get; }

    public string ZooKeeperConnectionString { get; }

    /// <summary>The session to the local site: eventual operations, schema, verification reads.</summary>
    public CqlSession DirectSession { get; }

    /// <summary>The session for quorum reads/writes and LWT (through the WAN proxy in the "wan" pass).</summary>
    public CqlSession CriticalSession { get; }

    public string Describe() => OneWay == TimeSpan.Zero
        ? "loopback (no injected latency)"
        : $"WAN: +{OneWay.TotalMilliseconds:F0} ms each way on every client->ZooKeeper and client->Cassandra-coordinator link of the critical path (RTT +{2 * OneWay.TotalMilliseconds:F0} ms); eventual ops direct";

    public static BenchNetwork Loopback(RealClusters clusters, CqlSession direct) =>
        new("loopback", TimeSpan.Zero, clusters.ZooKeeper.ConnectionString, direct, direct, []);

    public static async Task<BenchNetwork> WanAsync(RealClusters clusters, CqlSession direct, TimeSpan oneWay, CancellationToken cancellationToken)
    {
        var proxies = new List<TcpFaultProxy>();
        try
        {
            for (var i = 0; i < clusters.ZooKeeper.ServerCount; i++)
            {
                var port = int.Parse(clusters.ZooKeeper.ConnectionStringFor(i).Split(':')[1], CultureInfo.InvariantCulture);
                proxies.Add(TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, port)));
            }

            var cassandraProxy = TcpFaultProxy.Start(clusters.Cassandra.EndPointOf(1));
            proxies.Add(cassandraProxy);
            foreach (var proxy in proxies)
            {
                proxy.Latency = oneWay;
            }

            var zooKeeper = string.Join(',', proxies.Take(clusters.ZooKeeper.ServerCount).Select(p => "127.0.0.1:" + p.Port.ToString(CultureInfo.InvariantCulture)));
            var options = clusters.Cassandra.CreateSessionOptions();
            options.ContactPoints.Clear();
            options.ContactPoints.Add("127.0.0.1");
            options.Port = cassandraProxy.Port;

            // Every round trip pays the injected delay twice: keep the heartbeat's "no answer" verdict well above it.
            options.ConnectTimeout = TimeSpan.FromSeconds(5);
            options.RequestTimeout = TimeSpan.FromSeconds(10);
            var critical = await CqlSession.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            return new BenchNetwork("wan", oneWay, zooKeeper, direct, critical, proxies);
        }
        catch
        {
            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsCriticalSession)
        {
            await CriticalSession.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
    }
}
