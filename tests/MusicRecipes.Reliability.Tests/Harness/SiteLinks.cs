using System.Globalization;
using System.Net;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// The ZooKeeper links of every client, by site: each client (in this process or a worker process) reaches each
/// ZooKeeper server through a <see cref="TcpFaultProxy"/> of its own, so the nemesis can cut or slow a whole site.
/// A client that joins a site while it is cut off starts cut off too.
/// </summary>
internal sealed class SiteLinks : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<TcpFaultProxy>[] _proxies;
    private readonly bool[] _cut;
    private readonly TimeSpan[] _latency;
    private readonly int _zooKeeperServers;

    public SiteLinks(int sites, int zooKeeperServers)
    {
        _proxies = Enumerable.Range(0, sites).Select(_ => new List<TcpFaultProxy>()).ToArray();
        _cut = new bool[sites];
        _latency = new TimeSpan[sites];
        _zooKeeperServers = zooKeeperServers;
    }

    /// <summary>New proxies, one per ZooKeeper server, for one more client at <paramref name="site"/>; returns its connection string.</summary>
    public string Open(int site)
    {
        var proxies = Enumerable.Range(0, _zooKeeperServers)
            .Select(server => TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, ReliabilitySettings.ZooKeeperClientPort + server)))
            .ToList();
        lock (_gate)
        {
            foreach (var proxy in proxies)
            {
                proxy.Latency = _latency[site];
                if (_cut[site])
                {
                    proxy.Cut();
                }
            }

            _proxies[site].AddRange(proxies);
        }

        return string.Join(',', proxies.Select(p => "127.0.0.1:" + p.Port.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Cuts every ZooKeeper connection of <paramref name="site"/> and refuses new ones.</summary>
    public void Cut(int site) => Apply(site, () => _cut[site] = true, p => p.Cut());

    /// <summary>Ends a cut of <paramref name="site"/>.</summary>
    public void Heal(int site) => Apply(site, () => _cut[site] = false, p => p.Heal());

    /// <summary>Adds WAN-like latency to <paramref name="site"/>'s ZooKeeper links (zero removes it).</summary>
    public void SetLatency(int site, TimeSpan latency) => Apply(site, () => _latency[site] = latency, p => p.Latency = latency);

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in _proxies.SelectMany(p => p))
        {
            await proxy.DisposeAsync();
        }
    }

    private void Apply(int site, Action remember, Action<TcpFaultProxy> change)
    {
        lock (_gate)
        {
            remember();
            foreach (var proxy in _proxies[site])
            {
                change(proxy);
            }
        }
    }
}
