using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MusicRecipes.Cassandra;
using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.Hosting;

/// <summary>
/// Selects Cassandra as the data store (<see cref="UseCassandra(IMusicBuilder, Action{CassandraBackendOptions}?)"/>) and
/// optionally as the lock store (<see cref="UseCassandraLocks"/>), with settings from the configuration section
/// <c>Music:Cassandra</c> (<see cref="CassandraBackendOptions"/>), then the configure delegate (code wins).
/// </summary>
/// <remarks>
/// <para>Both share one CQL session per host, connected asynchronously when the host starts (or at the client's first
/// use outside a host), with a wait bounded by <see cref="CassandraBackendOptions.ConnectTimeout"/>: an unreachable
/// cluster makes the host's start-up fail with a <see cref="MusicUnavailableException"/> naming the contact points. A
/// failed connect is not kept: the next use tries again. The session is disposed with the container, after the client.
/// The schema (keyspace and tables) is created on first use when <see cref="CassandraBackendOptions.CreateSchema"/> is
/// set. Bad settings fail the host's start with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming them.</para>
/// </remarks>
/// <example>
/// <code>
/// services.AddMusic()
///     .UseCassandra(c =>
///     {
///         c.ContactPoints.Add("10.0.1.1");   // a node of this site first: it coordinates eventual operations
///         c.LocalDataCenter = "dc1";
///         c.ReplicationPerDataCenter = new() { ["dc1"] = 3, ["dc2"] = 3, ["dc3"] = 3 };
///     })
///     .UseZooKeeperLocks("zk1:2181,zk2:2181,zk3:2181/music");
///
/// // or everything on Cassandra (locks on lightweight transactions):
/// services.AddMusic().UseCassandra("10.0.1.1").UseCassandraLocks();
/// </code>
/// </example>
public static class MusicBuilderCassandraExtensions
{
    /// <summary>The configuration section of <see cref="CassandraBackendOptions"/>.</summary>
    public const string ConfigurationSection = MusicServiceCollectionExtensions.ConfigurationSection + ":Cassandra";

    /// <summary>Cassandra as the AP data store; <paramref name="configure"/> changes <see cref="CassandraBackendOptions"/> (bound from <c>Music:Cassandra</c>).</summary>
    public static IMusicBuilder UseCassandra(this IMusicBuilder builder, Action<CassandraBackendOptions>? configure = null)
    {
        AddConnection(builder, configure);
        builder.Services.Configure<MusicOptions>(o => o.UseDataStore(CreateDataStoreAsync, SiteHint));
        return builder;
    }

    /// <summary>Cassandra as the AP data store, reached first through <paramref name="contactPoints"/> (this site's node first).</summary>
    public static IMusicBuilder UseCassandra(this IMusicBuilder builder, params string[] contactPoints)
    {
        ArgumentNullException.ThrowIfNull(contactPoints);
        return builder.UseCassandra(c =>
        {
            c.ContactPoints.Clear();
            c.ContactPoints.AddRange(contactPoints);
        });
    }

    /// <summary>
    /// Cassandra lightweight transactions as the CP lock store, on the same session as
    /// <see cref="UseCassandra(IMusicBuilder, Action{CassandraBackendOptions}?)"/>; <paramref name="configure"/> changes
    /// <see cref="CassandraBackendOptions"/>.
    /// </summary>
    public static IMusicBuilder UseCassandraLocks(this IMusicBuilder builder, Action<CassandraBackendOptions>? configure = null)
    {
        AddConnection(builder, configure);
        builder.Services.Configure<MusicOptions>(o => o.UseLockStore(CreateLockStoreAsync));
        return builder;
    }

    private static void AddConnection(IMusicBuilder builder, Action<CassandraBackendOptions>? configure)
    {
        // Once, however many Use… calls name Cassandra: one section binding, one session for data and locks.
        if (builder.AddBackendSettings(ConfigurationSection, new CassandraBackendOptionsAttributeValidator(), new CassandraBackendOptionsRulesValidator(), configure))
        {
            builder.Services.TryAddSingleton<CassandraConnection>();
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IMusicBackendProbe, CassandraHealthProbe>());
        }
    }

    private static string? SiteHint(IServiceProvider services) => services.GetRequiredService<CassandraConnection>().SiteHint;

    private static async Task<IDataStore> CreateDataStoreAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var connection = services.GetRequiredService<CassandraConnection>();
        return new CassandraDataStore(await connection.GetSessionAsync(cancellationToken).ConfigureAwait(false), connection.CreateDataStoreOptions());
    }

    private static async Task<ILockStore> CreateLockStoreAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var connection = services.GetRequiredService<CassandraConnection>();
        var session = await connection.GetSessionAsync(cancellationToken).ConfigureAwait(false);
        return new CassandraLockStore(session, connection.CreateLockStoreOptions(), services.GetService<ILogger<CassandraLockStore>>());
    }
}
