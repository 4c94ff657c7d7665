using MusicRecipes.Cql;

namespace MusicRecipes.Testing;

/// <summary>
/// A faithful emulation of N sites on one machine: site i has one Cassandra node (data centre "site{i}", a
/// GossipingPropertyFileSnitch), one ZooKeeper server and its clients, which talk to their own site's servers
/// directly. <b>Every link between sites is delayed</b>, server-to-server included (<see cref="SiteLinks"/>): a
/// ZooKeeper write from a follower's site pays two round trips (to the leader, and the leader's proposal to a quorum),
/// a local ZooKeeper read none, a Cassandra QUORUM write from a local coordinator one (with one replica per data
/// centre), and a lightweight transaction four (Paxos prepare, read, propose, commit).
/// </summary>
/// <example>
/// <code>
/// await using var sites = await MultiSiteServers.StartAsync(3, TimeSpan.FromMilliseconds(20),
///     new CassandraTestClusterOptions { NativePort = 16042, StoragePort = 16000 },
///     new ZooKeeperTestEnsembleOptions { BaseClientPort = 16181, BaseQuorumPort = 16281, BaseElectionPort = 16381 });
/// await using var session = await CqlSession.ConnectAsync(sites.CreateSessionOptions(site: 1));   // site 1's node only
/// var zooKeeper = sites.ZooKeeperConnectionStringOf(site: 1);                                     // site 1's server only
/// sites.CutOff(2);   // site 2 sees no other site, and no other site sees it
/// sites.HealAll();
/// </code>
/// </example>
public sealed class MultiSiteServers : IAsyncDisposable
{
    private readonly MusicTestServers _servers;
    private readonly SiteLinks _links;
    private TimeSpan _oneWayDelay;

    private MultiSiteServers(MusicTestServers servers, SiteLinks links, TimeSpan oneWayDelay)
    {
        _servers = servers;
        _links = links;
        _oneWayDelay = oneWayDelay;
    }

    /// <summary>The number of sites.</summary>
    public int SiteCount => _links.SiteCount;

    /// <summary>The Cassandra cluster: node i + 1 is site i's.</summary>
    public CassandraTestCluster Cassandra => _servers.Cassandra;

    /// <summary>The ZooKeeper ensemble: server i (0-based) is site i's.</summary>
    public ZooKeeperTestEnsemble ZooKeeper => _servers.ZooKeeper;

    /// <summary>The delay every link between sites adds in each direction (half the round trip). Settable at any time.</summary>
    public TimeSpan OneWayDelay
    {
        get => _oneWayDelay;
        set
        {
            _links.SetOneWayDelay(value);
            _oneWayDelay = value;
        }
    }

    /// <summary>
    /// Starts the links, then <paramref name="siteCount"/> Cassandra nodes and ZooKeeper servers through them. The
    /// node and server counts, data centres, broadcast addresses and peer ports of the given options are set here;
    /// the ports, timeouts and heap sizes are the caller's.
    /// </summary>
    public static async Task<MultiSiteServers> StartAsync(
        int siteCount, TimeSpan oneWayDelay, CassandraTestClusterOptions cassandra, ZooKeeperTestEnsembleOptions zooKeeper, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(siteCount, 2);
        ArgumentNullException.ThrowIfNull(cassandra);
        ArgumentNullException.ThrowIfNull(zooKeeper);
        cassandra.NodeCount = siteCount;
        cassandra.DataCenters = Enumerable.Range(0, siteCount).Select(MusicTestServers.DataCenterOf).ToArray();
        cassandra.BroadcastAddresses = Enumerable.Range(1, siteCount).Select(SiteLinks.CassandraBroadcastAddressOf).ToArray();
        zooKeeper.ServerCount = siteCount;
        var links = SiteLinks.Start(siteCount, cassandra, zooKeeper);
        try
        {
            zooKeeper.PeerPorts = links.ZooKeeperPortsOf;
            links.SetOneWayDelay(oneWayDelay);
            var servers = await MusicTestServers.StartAsync(cassandra, zooKeeper, cancellationToken).ConfigureAwait(false);
            return new MultiSiteServers(servers, links, oneWayDelay);
        }
        catch
        {
            await links.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The data centre of <paramref name="site"/> ("site0", "site1", …).</summary>
    public static string DataCenterOf(int site) => MusicTestServers.DataCenterOf(site);

    /// <summary>
    /// Session options for a client of <paramref name="site"/>: its own node only (no peer discovery), that node's data
    /// centre as the local one. Everything else the session does crosses sites inside Cassandra, through the links.
    /// </summary>
    public CqlSessionOptions CreateSessionOptions(int site)
    {
        CheckSite(site);
        var options = Cassandra.CreateSessionOptions();
        options.ContactPoints.Clear();
        options.ContactPoints.Add(CassandraTestCluster.AddressOf(site + 1));
        options.DiscoverPeers = false;
        options.LocalDataCenter = DataCenterOf(site);
        return options;
    }

    /// <summary>The ZooKeeper connection string of a client of <paramref name="site"/>: its own site's server only.</summary>
    public string ZooKeeperConnectionStringOf(int site)
    {
        CheckSite(site);
        return ZooKeeper.ConnectionStringFor(site);
    }

    /// <summary>
    /// Cuts <paramref name="site"/> off: every link between its servers and the other sites' servers drops and new
    /// ones are refused (both ends notice), until <see cref="HealAll"/>. Its clients still reach its own servers.
    /// </summary>
    public void CutOff(int site)
    {
        CheckSite(site);
        _links.CutOff(site);
    }

    /// <summary>Ends every cut-off.</summary>
    public void HealAll() => _links.HealAll();

    /// <summary>Stops the servers, then the links.</summary>
    public async ValueTask DisposeAsync()
    {
        await _servers.DisposeAsync().ConfigureAwait(false);
        await _links.DisposeAsync().ConfigureAwait(false);
    }

    private void CheckSite(int site)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(site);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(site, SiteCount, nameof(site));
    }
}
