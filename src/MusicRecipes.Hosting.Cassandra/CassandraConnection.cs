using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MusicRecipes.Cassandra;
using MusicRecipes.Cql;

namespace MusicRecipes.Hosting;

/// <summary>
/// The host's one CQL session, shared by the Cassandra data store and the Cassandra lock store: connected
/// asynchronously when the host starts (or at the client's first use), with a bounded wait, and disposed with the
/// container after the client. A failed connect is not kept: the next use tries again. It also reports the nodes it
/// sees to the health check.
/// </summary>
internal sealed class CassandraConnection(IOptions<CassandraBackendOptions> backendOptions, IOptions<MusicOptions> musicOptions, ILoggerFactory? loggerFactory = null) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CqlSession? _session;
    private bool _disposed;

    /// <summary>The site the data store will report, when configuration names it (else known only once connected).</summary>
    public string? SiteHint => Settings.Site ?? Settings.LocalDataCenter;

    private CassandraBackendOptions Settings => backendOptions.Value;

    public async Task<CqlSession> GetSessionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _session) is { } connected)
        {
            return connected;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_session is null)
            {
                Volatile.Write(ref _session, await ConnectAsync(cancellationToken).ConfigureAwait(false));
            }

            return _session!;
        }
        finally
        {
            _gate.Release();
        }
    }

    public CassandraDataStoreOptions CreateDataStoreOptions() => new()
    {
        Keyspace = Settings.Keyspace,
        Replication = Replication(),
        CreateSchema = Settings.CreateSchema,
        EventualConsistency = Settings.EventualConsistency,
        MaxValueBytes = musicOptions.Value.MaxValueBytes,
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
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            session = _session;
            _session = null;
        }
        finally
        {
            _gate.Release();
        }

        if (session is not null)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task<CqlSession> ConnectAsync(CancellationToken cancellationToken)
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
            Tls = settings.Tls.ToClientOptions("Music:Cassandra:Tls"), // before the bounded connect: an unreadable file is a configuration error, not "unavailable"
            LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance,
        };
        foreach (var contact in contactPoints)
        {
            sessionOptions.ContactPoints.Add(contact);
        }

        return MusicBackendConnect.RunAsync(
            ct => CqlSession.ConnectAsync(sessionOptions, ct),
            settings.ConnectTimeout,
            ex => $"Could not connect to Cassandra at {string.Join(", ", contactPoints)} (port {settings.Port}) within {settings.ConnectTimeout.TotalSeconds:0.#} s: {ex.Message}",
            static ex => ex is CqlAuthenticationException or CqlTlsException,
            cancellationToken);
    }

    private CassandraReplication Replication() =>
        Settings.ReplicationPerDataCenter.Count > 0
            ? CassandraReplication.NetworkTopology(Settings.ReplicationPerDataCenter)
            : CassandraReplication.Simple(Settings.ReplicationFactor);
}
