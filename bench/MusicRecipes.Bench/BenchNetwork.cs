using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Testing;

namespace MusicRecipes.Bench;

/// <summary>
/// Where the bench's clients are, in one pass. "loopback": one site, every client straight to the 3-node clusters.
/// "sites": the three-site emulation (<see cref="MultiSiteServers"/>), client i at site i mod 3, talking only to its
/// own site's Cassandra node and ZooKeeper server; everything between sites crosses delayed links.
/// </summary>
internal sealed class BenchNetwork : IAsyncDisposable
{
    private readonly bool _ownsSessions;

    private BenchNetwork(string name, string description, TimeSpan oneWay, CassandraReplication replication, IReadOnlyList<BenchSite> sites, bool ownsSessions)
    {
        Name = name;
        Description = description;
        OneWay = oneWay;
        Replication = replication;
        Sites = sites;
        _ownsSessions = ownsSessions;
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>The delay of a link between sites in each direction (zero on loopback).</summary>
    public TimeSpan OneWay { get; }

    /// <summary>How the bench keyspace is replicated: three replicas, one per site when there are sites.</summary>
    public CassandraReplication Replication { get; }

    public IReadOnlyList<BenchSite> Sites { get; }

    /// <summary>The site of client <paramref name="client"/>: clients are spread round-robin.</summary>
    public BenchSite SiteOf(int client) => Sites[client % Sites.Count];

    /// <summary>
    /// The same network with <paramref name="site"/>'s clients on <paramref name="session"/> instead (for example one
    /// that goes through a request counter). The copy does not own the session.
    /// </summary>
    public BenchNetwork WithSession(int site, CqlSession session) => new(
        Name, Description, OneWay, Replication, Sites.Select(s => s.Index == site ? s with { Session = session } : s).ToArray(), ownsSessions: false);

    public static BenchNetwork Loopback(RealClusters clusters, CqlSession direct) => new(
        "loopback",
        "loopback (no injected latency), every client to the whole 3-node clusters",
        TimeSpan.Zero,
        CassandraReplication.Simple(3),
        [new BenchSite(0, "datacenter1", clusters.ZooKeeper.ConnectionString, direct)],
        ownsSessions: false);

    /// <summary>Opens one Cassandra session per site, pinned to the site's own node.</summary>
    public static async Task<BenchNetwork> SitesAsync(MultiSiteServers servers, CancellationToken cancellationToken)
    {
        var sites = new List<BenchSite>();
        try
        {
            for (var site = 0; site < servers.SiteCount; site++)
            {
                var session = await CqlSession.ConnectAsync(servers.CreateSessionOptions(site), cancellationToken).ConfigureAwait(false);
                sites.Add(new BenchSite(site, MultiSiteServers.DataCenterOf(site), servers.ZooKeeperConnectionStringOf(site), session));
            }
        }
        catch
        {
            foreach (var opened in sites)
            {
                await opened.Session.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        var oneWay = servers.OneWayDelay;
        return new BenchNetwork(
            "sites",
            $"{servers.SiteCount} sites, +{oneWay.TotalMilliseconds:F0} ms each way on every link between sites (server-to-server included; RTT {2 * oneWay.TotalMilliseconds:F0} ms); clients talk to their own site's servers only",
            oneWay,
            CassandraReplication.NetworkTopology(sites.ToDictionary(s => s.DataCenter, _ => 1)),
            sites,
            ownsSessions: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsSessions)
        {
            foreach (var site in Sites)
            {
                await site.Session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
