using System.Globalization;
using System.Net;
using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Locking;
using MusicRecipes.Storage;
using MusicRecipes.Testing.Network;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Testing.SiteClients;

/// <summary>
/// Builds a <see cref="FaultableSiteClient"/>: a MUSIC client at a site whose lock service (ZooKeeper, or Cassandra
/// lightweight transactions) and, if asked, whose Cassandra data are reached through <see cref="TcpFaultProxy"/>s of
/// its own — one per lock server, one for the data node — so a test can crash it or cut its links as a real network
/// fault would. The one place the test kit, the suites and the samples put "site → proxies → stores → client"
/// together.
/// </summary>
/// <remarks>
/// Data comes either through a link of the client's own (<see cref="WithCassandraData"/>: a CQL session of its own,
/// pinned to one node through the proxy) or from a store the caller shares between a site's clients
/// (<see cref="WithSharedDataStore"/>: not cut by a crash, as a site's data outlives one of its processes). Locks are
/// required; each builder builds one client.
/// </remarks>
/// <example>
/// <code>
/// var cassandra = new IPEndPoint(IPAddress.Loopback, 9042);
/// await using var client = await new SiteClientBuilder(site: 0)
///     .WithCassandraData(cassandra, cluster.CreateSessionOptions(), new CassandraDataStoreOptions { Keyspace = "app", Site = "site-0" })
///     .WithCassandraLocks(cassandra, cluster.CreateSessionOptions(), new CassandraLockStoreOptions { Keyspace = "app" })
///     .BuildAsync();
/// client.Crash();   // its lock session now expires on the servers, as a killed process's would
/// </code>
/// </example>
public sealed class SiteClientBuilder
{
    private readonly int _site;
    private EndPoint? _dataNode;
    private CqlSessionOptions? _dataSessionOptions;
    private CassandraDataStoreOptions? _dataStoreOptions;
    private IDataStore? _sharedData;
    private IReadOnlyList<EndPoint> _lockServers = [];
    private Func<IReadOnlyList<TcpFaultProxy>, CancellationToken, Task<SiteLockStore>>? _openLocks;
    private MusicClientOptions? _clientOptions;
    private Func<ILockStore, ILockStore>? _decorateLocks;

    /// <summary>A builder of a client at <paramref name="site"/> (0-based).</summary>
    public SiteClientBuilder(int site)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(site);
        _site = site;
    }

    /// <summary>
    /// The client's data: a CQL session of its own to <paramref name="node"/> through a proxy of its own, and a
    /// <see cref="CassandraDataStore"/> on it. The session options' contact points and port are replaced by the
    /// proxy's, and peer discovery is turned off: a discovered node would be reached around the proxy.
    /// </summary>
    public SiteClientBuilder WithCassandraData(EndPoint node, CqlSessionOptions sessionOptions, CassandraDataStoreOptions storeOptions)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(sessionOptions);
        ArgumentNullException.ThrowIfNull(storeOptions);
        (_dataNode, _dataSessionOptions, _dataStoreOptions, _sharedData) = (node, sessionOptions, storeOptions, null);
        return this;
    }

    /// <summary>The client's data: a store the caller owns and may share with the site's other clients (no link to cut).</summary>
    public SiteClientBuilder WithSharedDataStore(IDataStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        (_dataNode, _dataSessionOptions, _dataStoreOptions, _sharedData) = (null, null, null, store);
        return this;
    }

    /// <summary>
    /// Locks in ZooKeeper: a session of the client's own, through one proxy per server of <paramref name="servers"/>.
    /// The client options' connection string is replaced by the proxies'; the build waits until the session is connected.
    /// </summary>
    public SiteClientBuilder WithZooKeeperLocks(IEnumerable<EndPoint> servers, ZooKeeperClientOptions clientOptions, ZooKeeperLockStoreOptions storeOptions)
    {
        ArgumentNullException.ThrowIfNull(clientOptions);
        ArgumentNullException.ThrowIfNull(storeOptions);
        return WithLocks(servers, async (links, cancellationToken) =>
        {
            clientOptions.ConnectionString = string.Join(',', links.Select(link => "127.0.0.1:" + link.Port.ToString(CultureInfo.InvariantCulture)));
            var store = ZooKeeperLockStore.Create(clientOptions, storeOptions);
            try
            {
                await store.Client.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await store.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            // Only the ZooKeeper client goes: its reconnect loop stops, and with its links cut no closeSession can
            // reach the ensemble, so the session expires on the servers' own clock.
            return new SiteLockStore(store, () => store.Client.DisposeAsync(), Connection: null);
        });
    }

    /// <summary>
    /// Locks in Cassandra lightweight transactions: a CQL session of the client's own to <paramref name="node"/>,
    /// through a proxy of its own (so cutting the locks leaves the data), and a <see cref="CassandraLockStore"/> on it.
    /// The session options' contact points and port are replaced by the proxy's, and peer discovery is turned off.
    /// </summary>
    public SiteClientBuilder WithCassandraLocks(EndPoint node, CqlSessionOptions sessionOptions, CassandraLockStoreOptions storeOptions)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(sessionOptions);
        ArgumentNullException.ThrowIfNull(storeOptions);
        return WithLocks([node], async (links, cancellationToken) =>
        {
            var session = await CqlSession.ConnectAsync(Through(sessionOptions, links[0]), cancellationToken).ConfigureAwait(false);
            var store = new CassandraLockStore(session, storeOptions);

            // Disposing the store stops its lease renewals; the session-row delete it then tries cannot pass the cut
            // link, so the row lives out its TTL as a dead process's would.
            return new SiteLockStore(store, () => store.DisposeAsync(), Connection: session);
        });
    }

    /// <summary>The options of the client's <see cref="MusicClient"/> (default: none).</summary>
    public SiteClientBuilder WithClientOptions(MusicClientOptions? options)
    {
        _clientOptions = options;
        return this;
    }

    /// <summary>
    /// Wraps the lock store the client uses (a <see cref="Faults.PausableLockStore"/>, say); the client's
    /// <see cref="FaultableSiteClient.LockStore"/> stays the store underneath, which the faults reach.
    /// </summary>
    public SiteClientBuilder WithLockDecorator(Func<ILockStore, ILockStore>? decorate)
    {
        _decorateLocks = decorate;
        return this;
    }

    /// <summary>Starts the client's proxies, opens its sessions and stores, and returns the client.</summary>
    public async Task<FaultableSiteClient> BuildAsync(CancellationToken cancellationToken = default)
    {
        var openLocks = _openLocks ?? throw new InvalidOperationException("No lock service: call WithZooKeeperLocks or WithCassandraLocks.");
        if (_dataNode is null && _sharedData is null)
        {
            throw new InvalidOperationException("No data: call WithCassandraData or WithSharedDataStore.");
        }

        var lockLinks = _lockServers.Select(server => TcpFaultProxy.Start(server)).ToArray();
        var dataLink = _dataNode is null ? null : TcpFaultProxy.Start(_dataNode);
        CqlSession? dataSession = null;
        try
        {
            var data = _sharedData;
            if (dataLink is not null)
            {
                dataSession = await CqlSession.ConnectAsync(Through(_dataSessionOptions!, dataLink), cancellationToken).ConfigureAwait(false);
                data = new CassandraDataStore(dataSession, _dataStoreOptions);
            }

            var locks = await openLocks(lockLinks, cancellationToken).ConfigureAwait(false);
            var client = new MusicClient(data!, _decorateLocks is null ? locks.Store : _decorateLocks(locks.Store), _clientOptions);
            return new FaultableSiteClient(_site, client, locks, lockLinks, dataLink, dataSession);
        }
        catch
        {
            if (dataSession is not null)
            {
                await dataSession.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var link in dataLink is null ? lockLinks : [.. lockLinks, dataLink])
            {
                await link.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private SiteClientBuilder WithLocks(IEnumerable<EndPoint> servers, Func<IReadOnlyList<TcpFaultProxy>, CancellationToken, Task<SiteLockStore>> open)
    {
        ArgumentNullException.ThrowIfNull(servers);
        _lockServers = [.. servers];
        if (_lockServers.Count == 0)
        {
            throw new ArgumentException("The lock service needs at least one server.", nameof(servers));
        }

        _openLocks = open;
        return this;
    }

    /// <summary>The session options pointed at <paramref name="link"/> alone.</summary>
    private static CqlSessionOptions Through(CqlSessionOptions options, TcpFaultProxy link)
    {
        options.ContactPoints.Clear();
        options.ContactPoints.Add(IPAddress.Loopback.ToString());
        options.Port = link.Port;
        options.DiscoverPeers = false;
        return options;
    }
}
