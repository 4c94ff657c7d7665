using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Reliability.Worker.Reporting;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Worker;

/// <summary>
/// Connects a worker's client: a CQL session to its site's Cassandra node (the schema exists already — the harness
/// made it — so no DDL from here) and a ZooKeeper session through its own proxies. Each new ZooKeeper session is
/// reported, so the harness can expire it the way Curator's KillSession does.
/// </summary>
internal sealed class WorkerConnection : IAsyncDisposable
{
    /// <summary>How long a worker keeps trying to reach its site's Cassandra node: longer than the nemesis gives a restart (150 s).</summary>
    private static readonly TimeSpan ConnectPatience = TimeSpan.FromSeconds(170);

    private readonly CqlSession _cql;

    private WorkerConnection(CqlSession cql, WorkerClient client)
    {
        _cql = cql;
        Client = client;
    }

    public WorkerClient Client { get; }

    public static async Task<WorkerConnection> OpenAsync(WorkerOptions options, WorkerReport report, CancellationToken cancellationToken)
    {
        var cqlOptions = new CqlSessionOptions
        {
            Port = options.CassandraPort,
            LocalDataCenter = options.DataCenter,
            MaxProtocolVersion = 3,
            RequestTimeout = TimeSpan.FromMilliseconds(options.CassandraRequestTimeoutMs),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(200),
            ReconnectMaxDelay = TimeSpan.FromSeconds(2),
        };
        cqlOptions.ContactPoints.Add(options.CassandraAddress);
        var cql = await ConnectCqlAsync(cqlOptions, cancellationToken);
        var data = new CassandraDataStore(cql, new CassandraDataStoreOptions { Keyspace = options.Keyspace, Site = options.DataCenter, CreateSchema = false });
        var locks = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions
            {
                ConnectionString = options.ZooKeeper,
                SessionTimeout = TimeSpan.FromMilliseconds(options.SessionTimeoutMs),
                ConnectionTimeout = TimeSpan.FromSeconds(20),
            },
            new ZooKeeperLockStoreOptions { RootPath = options.LockRoot });
        locks.Client.ConnectionStateChanged += (_, e) =>
        {
            if (e.State == ZooKeeperConnectionState.Connected)
            {
                ReportSession(locks.Client, report);
            }
        };
        await locks.Client.WaitUntilConnectedAsync(cancellationToken);
        ReportSession(locks.Client, report);
        var client = new WorkerClient(options.Name, new MusicClient(data, locks), locks, new SessionWatch(locks.Client));
        return new WorkerConnection(cql, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.Music.DisposeAsync();
        await _cql.DisposeAsync();
    }

    /// <summary>Connects to the site's node, trying again while it is down (a replacement worker may start while the nemesis has it crashed).</summary>
    private static async Task<CqlSession> ConnectCqlAsync(CqlSessionOptions options, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ConnectPatience;
        while (true)
        {
            try
            {
                return await CqlSession.ConnectAsync(options, cancellationToken);
            }
            catch (Exception ex) when (ex is MusicRecipes.Cql.CqlException or IOException or System.Net.Sockets.SocketException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }

    private static void ReportSession(ZooKeeperClient zooKeeper, WorkerReport report)
    {
        if (zooKeeper.SessionCredentials is { } credentials)
        {
            report.Write(new WorkerEvent { Type = WorkerEventType.Session, SessionId = credentials.SessionId, SessionPassword = credentials.Password, At = WorkerReport.Now });
        }
    }
}
