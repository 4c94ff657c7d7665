using System.Net;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Site i of a conformance backend talks to Cassandra through one coordinator of its own, node i+1, the way a client
/// uses the nodes of its own data centre: a CQL session that does not discover peers, over a TCP proxy. Knowing the
/// coordinator is what lets a test make a write partial (pause the other replicas under it); the proxy is what lets
/// a test cut the site's Cassandra access without touching the nodes, which other sites still use.
/// </summary>
public sealed class SiteCoordinators(CassandraClusterFixture fixture) : IAsyncDisposable
{
    private readonly Dictionary<int, (TcpFaultProxy Proxy, Task<CqlSession> Session)> _sites = new();

    /// <summary>The node (1-based) that coordinates every request of <paramref name="site"/>.</summary>
    public static int NodeOf(int site) => site + 1;

    /// <summary>The site's session, opened on first use.</summary>
    public Task<CqlSession> SessionOfAsync(int site) => SiteOf(site).Session;

    /// <summary>Partition: the site's connections to its coordinator drop and new ones are refused.</summary>
    public void Cut(int site) => SiteOf(site).Proxy.Cut();

    /// <summary>Ends the partition (or the stall); the site's session reconnects on its next request.</summary>
    public void Heal(int site) => SiteOf(site).Proxy.Heal();

    /// <summary>Silent partition: the site's connections stay open but nothing gets through until <see cref="Heal"/>.</summary>
    public void Stall(int site) => SiteOf(site).Proxy.Stall();

    public async ValueTask DisposeAsync()
    {
        foreach (var (proxy, session) in _sites.Values)
        {
            try
            {
                await (await session).DisposeAsync();
            }
            catch (CqlException)
            {
                // Never connected; nothing to close.
            }

            await proxy.DisposeAsync();
        }
    }

    private (TcpFaultProxy Proxy, Task<CqlSession> Session) SiteOf(int site)
    {
        lock (_sites)
        {
            if (!_sites.TryGetValue(site, out var entry))
            {
                var proxy = TcpFaultProxy.Start(fixture.Cluster.EndPointOf(NodeOf(site)));
                entry = (proxy, fixture.NewSessionAsync(o =>
                {
                    o.ContactPoints.Clear();
                    o.ContactPoints.Add(IPAddress.Loopback.ToString());
                    o.Port = proxy.Port;
                    o.DiscoverPeers = false;
                }));
                _sites[site] = entry;
            }

            return entry;
        }
    }
}
