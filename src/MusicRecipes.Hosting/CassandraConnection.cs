using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MusicRecipes.Cassandra;
using MusicRecipes.Cql;

namespace MusicRecipes.Hosting;

/// <summary>
/// The host's one CQL session, shared by the Cassandra data store and the Cassandra lock store: connected on first
/// use (when the container resolves <see cref="IMusicClient"/>), with a bounded wait, and disposed with the
/// container after the client. It also reports the nodes it sees to the health check.
/// </summary>
internal sealed class CassandraConnection(IOptions<MusicOptions> options, ILoggerFactory? loggerFactory = null) : IMusicBackendProbe, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private CqlSession? _session;
    private bool _disposed;

    public CqlSession Session
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _session ??= Connect();
            }
        }
    }

    private CassandraBackendOptions Settings => options.Value.Cassandra;

    public CassandraDataStoreOptions CreateDataStoreOptions() => new()
    {
        Keyspace = Settings.Keyspace,
        Replication = Replication(),
        CreateSchema = Settings.CreateSchema,
        EventualConsistency = Settings.EventualConsistency,
        MaxValueBytes = options.Value.MaxValueBytes,
        Site = Settings.Site,
    };

    public CassandraLockStoreOptions CreateLockStoreOptions() => new()
    {
        Keyspace = Settings.Keyspace,
        Replication = Replication(),
        CreateSchema = Settings.CreateSchema,
        SerialConsistency = Settings.LockSerialConsistency,
        SessionTimeout = Settings.LockSessionTimeout,
    };

    public void Describe(IDictionary<string, object> data)
    {
        var session = Volatile.Read(ref _session);
        if (session is null)
        {
            return;
        }

        var hosts = session.Hosts;
        data["cassandra.nodesUp"] = $"{hosts.Count(h => h.IsUp)}/{hosts.Count}";
        data["cassandra.localDataCenter"] = session.LocalDataCenter ?? "?";
        var down = hosts.Where(h => !h.IsUp).Select(h => h.EndPoint.ToString()).ToArray();
        if (down.Length > 0)
        {
            data["cassandra.nodesDown"] = string.Join(",", down);
        }
    }

    public string? Degradation()
    {
        var session = Volatile.Read(ref _session);
        var down = session?.Hosts.Where(h => !h.IsUp).Select(h => h.EndPoint.ToString()).ToArray() ?? [];
        return down.Length == 0 ? null : $"Cassandra nodes down: {string.Join(", ", down)} (critical operations need a majority of replicas).";
    }

    public async ValueTask DisposeAsync()
    {
        CqlSession? session;
        lock (_gate)
        {
            _disposed = true;
            session = _session;
            _session = null;
        }

        if (session is not null)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private CqlSession Connect()
    {
        var settings = Settings;
        var contactPoints = settings.ContactPointList;
        if (contactPoints.Count == 0)
        {
            throw new InvalidOperationException("The Cassandra backend needs contact points: set Music:Cassandra:ContactPoints or call UseCassandra(c => c.ContactPoints.Add(\"10.0.0.1\")).");
        }

        var sessionOptions = new CqlSessionOptions
        {
            Port = settings.Port,
            LocalDataCenter = settings.LocalDataCenter,
            RequestTimeout = settings.RequestTimeout,
            MaxProtocolVersion = settings.MaxProtocolVersion,
            Username = settings.Username,
            Password = settings.Password,
            LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance,
        };
        foreach (var contact in contactPoints)
        {
            sessionOptions.ContactPoints.Add(contact);
        }

        return BackendConnect.Run(
            ct => CqlSession.ConnectAsync(sessionOptions, ct),
            settings.ConnectTimeout,
            ex => $"Could not connect to Cassandra at {string.Join(", ", contactPoints)} (port {settings.Port}) within {settings.ConnectTimeout.TotalSeconds:0.#} s: {ex.Message}");
    }

    private CassandraReplication Replication() =>
        Settings.ReplicationPerDataCenter.Count > 0
            ? CassandraReplication.NetworkTopology(Settings.ReplicationPerDataCenter)
            : CassandraReplication.Simple(Settings.ReplicationFactor);
}
