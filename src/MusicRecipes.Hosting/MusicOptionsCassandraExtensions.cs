using Microsoft.Extensions.DependencyInjection;
using MusicRecipes.Cassandra;

namespace MusicRecipes.Hosting;

/// <summary>Selects Cassandra as the data store (<see cref="UseCassandra(MusicOptions, Action{CassandraBackendOptions}?)"/>) and optionally as the lock store (<see cref="UseCassandraLocks"/>).</summary>
/// <remarks>
/// <para>Both share one CQL session per host. The container's factories are synchronous, so the session is connected
/// once, while <see cref="IMusicClient"/> is first resolved, with a wait bounded by
/// <see cref="CassandraBackendOptions.ConnectTimeout"/>: an unreachable cluster makes that resolution (and so the host's
/// start-up, when a hosted service needs the client) fail with a <see cref="MusicUnavailableException"/> naming the
/// contact points, instead of every later MUSIC call failing. A failed resolution is not cached: the next one tries
/// again. The session is disposed with the container, after the client. The schema (keyspace and tables) is created
/// on first use when <see cref="CassandraBackendOptions.CreateSchema"/> is set.</para>
/// </remarks>
/// <example>
/// <code>
/// services.AddMusic(o => o
///     .UseCassandra(c =>
///     {
///         c.ContactPoints.Add("10.0.1.1");   // a node of this site first: it coordinates eventual operations
///         c.LocalDataCenter = "dc1";
///         c.ReplicationPerDataCenter = new() { ["dc1"] = 3, ["dc2"] = 3, ["dc3"] = 3 };
///     })
///     .UseZooKeeperLocks("zk1:2181,zk2:2181,zk3:2181/music"));
///
/// // or everything on Cassandra (locks on lightweight transactions):
/// services.AddMusic(o => o.UseCassandra(c => c.ContactPoints.Add("10.0.1.1")).UseCassandraLocks());
/// </code>
/// </example>
public static class MusicOptionsCassandraExtensions
{
    /// <summary>Cassandra as the AP data store; <paramref name="configure"/> changes <see cref="MusicOptions.Cassandra"/> (bound from <c>Music:Cassandra</c>).</summary>
    public static MusicOptions UseCassandra(this MusicOptions options, Action<CassandraBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        configure?.Invoke(options.Cassandra);
        return options.UseDataStore(CreateDataStore);
    }

    /// <summary>Cassandra as the AP data store, reached first through <paramref name="contactPoints"/> (this site's node first).</summary>
    public static MusicOptions UseCassandra(this MusicOptions options, params string[] contactPoints)
    {
        ArgumentNullException.ThrowIfNull(contactPoints);
        return options.UseCassandra(c =>
        {
            c.ContactPoints.Clear();
            c.ContactPoints.AddRange(contactPoints);
        });
    }

    /// <summary>
    /// Cassandra lightweight transactions as the CP lock store, on the same session as <see cref="UseCassandra(MusicOptions, Action{CassandraBackendOptions}?)"/>;
    /// <paramref name="configure"/> changes <see cref="MusicOptions.Cassandra"/>.
    /// </summary>
    public static MusicOptions UseCassandraLocks(this MusicOptions options, Action<CassandraBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        configure?.Invoke(options.Cassandra);
        return options.UseLockStore(CreateLockStore);
    }

    internal static CassandraDataStore CreateDataStore(IServiceProvider services)
    {
        var connection = services.GetRequiredService<CassandraConnection>();
        return new CassandraDataStore(connection.Session, connection.CreateDataStoreOptions());
    }

    internal static CassandraLockStore CreateLockStore(IServiceProvider services)
    {
        var connection = services.GetRequiredService<CassandraConnection>();
        return new CassandraLockStore(connection.Session, connection.CreateLockStoreOptions(), services.GetService<Microsoft.Extensions.Logging.ILogger<CassandraLockStore>>());
    }
}
