using System.Globalization;
using System.Net;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// The ZooKeeper links of every client, by site: each client (in this process or a worker process) reaches each
/// ZooKeeper server through a <see cref="TcpFaultProxy"/> of its own, so the nemesis can cut or slow a whole site, or
/// — with the servers themselves partitioned (<see cref="Partition"/>) — cut a site's clients from the other sites'
/// servers and the other sites' clients from its server. A client that joins a site while it is cut off starts cut
/// off too.
/// </summary>
internal sealed class SiteLinks : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<(int Server, TcpFaultProxy Proxy)>[] _proxies;
    private readonly bool[] _cut;
    private readonly TimeSpan[] _latency;
    private readonly int _zooKeeperServers;
    private readonly Func<int, IPEndPoint> _serverEndPoint;
    private int? _partitioned;

    public SiteLinks(int sites, int zooKeeperServers, Func<int, IPEndPoint> serverEndPoint)
    {
        _proxies = Enumerable.Range(0, sites).Select(_ => new List<(int, TcpFaultProxy)>()).ToArray();
        _cut = new bool[sites];
        _latency = new TimeSpan[sites];
        _zooKeeperServers = zooKeeperServers;
        _serverEndPoint = serverEndPoint;
    }

    /// <summary>New proxies, one per ZooKeeper server, for one more client at <paramref name="site"/>; returns its connection string.</summary>
    public string Open(int site)
    {
        var proxies = Enumerable.Range(0, _zooKeeperServers)
            .Select(server => (Server: server, Proxy: TcpFaultProxy.Start(_serverEndPoint(server))))
            .ToList();
        lock (_gate)
        {
            foreach (var (server, proxy) in proxies)
            {
                proxy.Latency = _latency[site];
                if (IsCutLocked(site, server))
                {
                    proxy.Cut();
                }
            }

            _proxies[site].AddRange(proxies);
        }

        return string.Join(',', proxies.Select(p => "127.0.0.1:" + p.Proxy.Port.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Cuts every ZooKeeper connection of <paramref name="site"/> and refuses new ones.</summary>
    public void Cut(int site) => Apply(() => _cut[site] = true);

    /// <summary>Ends a cut of <paramref name="site"/>.</summary>
    public void Heal(int site) => Apply(() => _cut[site] = false);

    /// <summary>
    /// The clients' side of a minority site cut from the majority (its servers are partitioned by the kit): the site's
    /// clients reach only its own server, and the other sites' clients every server but it, until <see cref="EndPartition"/>.
    /// </summary>
    public void Partition(int site) => Apply(() => _partitioned = site);

    /// <summary>Ends <see cref="Partition"/>.</summary>
    public void EndPartition() => Apply(() => _partitioned = null);

    /// <summary>Adds WAN-like latency to <paramref name="site"/>'s ZooKeeper links (zero removes it).</summary>
    public void SetLatency(int site, TimeSpan latency)
    {
        lock (_gate)
        {
            _latency[site] = latency;
            foreach (var (_, proxy) in _proxies[site])
            {
                proxy.Latency = latency;
            }
        }
    }

    /// <summary>For each site, whether each of its proxies is cut now, in the order they were opened (for tests).</summary>
    internal bool[][] CutMatrix()
    {
        lock (_gate)
        {
            return _proxies.Select(site => site.Select(p => p.Proxy.IsCut).ToArray()).ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, proxy) in _proxies.SelectMany(p => p))
        {
            await proxy.DisposeAsync();
        }
    }

    /// <summary>Changes the wanted cuts, then cuts or heals every proxy whose state differs (a site cut and a partition may overlap).</summary>
    private void Apply(Action change)
    {
        lock (_gate)
        {
            change();
            for (var site = 0; site < _proxies.Length; site++)
            {
                foreach (var (server, proxy) in _proxies[site])
                {
                    var cut = IsCutLocked(site, server);
                    if (cut && !proxy.IsCut)
                    {
                        proxy.Cut();
                    }
                    else if (!cut && proxy.IsCut)
                    {
                        proxy.Heal();
                    }
                }
            }
        }
    }

    private bool IsCutLocked(int site, int server) =>
        _cut[site] || (_partitioned is { } minority && (site == minority) != (server == minority));
}
