using System.Globalization;
using System.Net;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Testing;

/// <summary>
/// Every server-to-server link between the sites of a <see cref="MultiSiteServers"/>, each through a
/// <see cref="TcpFaultProxy"/>, so one setting delays all of them and one call cuts a site off.
/// </summary>
/// <remarks>
/// <para><b>Cassandra</b>: node i advertises 127.0.1.i (its broadcast address), where a proxy listens on the storage
/// port and forwards to the node's listen address 127.0.0.i. A node reaches every peer only through the peer's
/// proxy, and Cassandra binds its outgoing connections to its listen address, so the proxy in front of node j can cut
/// the connections of node i alone (<see cref="TcpFaultProxy.CutFrom"/>).</para>
/// <para><b>ZooKeeper</b>: every server has a zoo.cfg of its own, whose line for each other server names a proxy of
/// that directed link (one for the quorum port, one for the election port). ZooKeeper does not bind its outgoing
/// connections, so links are told apart by proxy, not by source address.</para>
/// </remarks>
internal sealed class SiteLinks : IAsyncDisposable
{
    private readonly List<TcpFaultProxy> _all = [];
    private readonly TcpFaultProxy[] _intoCassandraNode;
    private readonly Dictionary<(int From, int To), (TcpFaultProxy Quorum, TcpFaultProxy Election)> _zooKeeper = [];

    private SiteLinks(int siteCount) => _intoCassandraNode = new TcpFaultProxy[siteCount];

    public int SiteCount => _intoCassandraNode.Length;

    /// <summary>The address Cassandra node <paramref name="node"/> (1-based) advertises: its proxy's.</summary>
    public static string CassandraBroadcastAddressOf(int node) => "127.0.1." + node.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts every proxy; the servers are started afterwards with the addresses and ports they name.</summary>
    public static SiteLinks Start(int siteCount, CassandraTestClusterOptions cassandra, ZooKeeperTestEnsembleOptions zooKeeper)
    {
        var links = new SiteLinks(siteCount);
        try
        {
            for (var node = 1; node <= siteCount; node++)
            {
                links._intoCassandraNode[node - 1] = links.Add(TcpFaultProxy.Start(
                    new IPEndPoint(IPAddress.Parse(CassandraTestCluster.AddressOf(node)), cassandra.StoragePort),
                    new IPEndPoint(IPAddress.Parse(CassandraBroadcastAddressOf(node)), cassandra.StoragePort)));
            }

            for (var from = 1; from <= siteCount; from++)
            {
                for (var to = 1; to <= siteCount; to++)
                {
                    if (from != to)
                    {
                        links._zooKeeper[(from, to)] = (
                            links.Add(TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, zooKeeper.QuorumPort(to)))),
                            links.Add(TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, zooKeeper.ElectionPort(to)))));
                    }
                }
            }

            return links;
        }
        catch
        {
            links.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>The ports server <paramref name="from"/>'s zoo.cfg names for server <paramref name="to"/> (1-based).</summary>
    public ZooKeeperPeerPorts ZooKeeperPortsOf(int from, int to)
    {
        var (quorum, election) = _zooKeeper[(from, to)];
        return new ZooKeeperPeerPorts(quorum.Port, election.Port);
    }

    /// <summary>Sets the delay every link adds in each direction.</summary>
    public void SetOneWayDelay(TimeSpan delay)
    {
        foreach (var proxy in _all)
        {
            proxy.Latency = delay;
        }
    }

    /// <summary>Cuts every link into and out of <paramref name="site"/> (0-based): its servers see no other site's, and the reverse.</summary>
    public void CutOff(int site)
    {
        var node = site + 1;
        _intoCassandraNode[site].Cut();
        var source = IPAddress.Parse(CassandraTestCluster.AddressOf(node));
        for (var other = 0; other < SiteCount; other++)
        {
            if (other != site)
            {
                _intoCassandraNode[other].CutFrom(source);
            }
        }

        foreach (var (link, (quorum, election)) in _zooKeeper)
        {
            if (link.From == node || link.To == node)
            {
                quorum.Cut();
                election.Cut();
            }
        }
    }

    /// <summary>Heals every cut link.</summary>
    public void HealAll()
    {
        foreach (var proxy in _all)
        {
            proxy.Heal();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in _all)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
    }

    private TcpFaultProxy Add(TcpFaultProxy proxy)
    {
        _all.Add(proxy);
        return proxy;
    }
}
