using Microsoft.Extensions.DependencyInjection;
using MusicRecipes.Cassandra;
using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.Hosting;

/// <summary>Selects Cassandra as the data store (<see cref="UseCassandra(MusicOptions, Action{CassandraBackendOptions}?)"/>) and optionally as the lock store (<see cref="UseCassandraLocks"/>).</summary>
/// <remarks>
/// <para>Both share one CQL session per host, connected asynchronously when the host starts (or at the client's first
/// use outside a host), with a wait bounded by <see cref="CassandraBackendOptions.ConnectTimeout"/>: an unreachable
/// cluster makes the host's start-up fail with a <see cref="MusicUnavailableException"/> naming the contact points. A
/// failed connect is not kept: the next use tries again. The session is disposed with the container, after the client. The schema (keyspace and tables) is created
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
        return options.UseDataStore(CreateDataStoreAsync, kind: "Cassandra");
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
        return options.UseLockStore(CreateLockStoreAsync, kind: "Cassandra");
    }

    internal static async Task<IDataStore> CreateDataStoreAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var connection = services.GetRequiredService<CassandraConnection>();
        return new CassandraDataStore(await connection.GetSessionAsync(cancellationToken).ConfigureAwait(false), connection.CreateDataStoreOptions());
    }

    internal static async Task<ILockStore> CreateLockStoreAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var connection = services.GetRequiredService<CassandraConnection>();
        var session = await connection.GetSessionAsync(cancellationToken).ConfigureAwait(false);
        return new CassandraLockStore(session, connection.CreateLockStoreOptions(), services.GetService<Microsoft.Extensions.Logging.ILogger<CassandraLockStore>>());
    }
}
