using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Testing;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>
/// A 1-node Cassandra and a standalone ZooKeeper, started once for every test of the project that needs real servers
/// (the hosting wiring and the recipe suites, <see cref="RealBackendCollection"/>): quick to start (about 10 s), and
/// real processes behind every call. Ports are this fixture's own (Cassandra 49042/47000, ZooKeeper 52181), so other
/// suites' clusters can run at the same time.
/// </summary>
public sealed class RealBackendServers : IAsyncLifetime
{
    public const int CassandraPort = 49042;
    public const int ZooKeeperPort = 52181;

    /// <summary>The keyspace of the recipe suites' data, created once here (concurrent DDL could disagree).</summary>
    public const string RecipeKeyspace = "recipe_suites";

    private MusicTestServers? _servers;
    private CqlSession? _admin;

    /// <summary>A session of the fixture's own, straight to the node (no client proxy): schema, and reading what clients wrote.</summary>
    public CqlSession AdminSession => _admin ?? throw new InvalidOperationException("Not started.");

    public string ZooKeeperConnectionString => $"127.0.0.1:{ZooKeeperPort}";

    /// <summary>The running servers (to expire a ZooKeeper session, for example).</summary>
    public MusicTestServers Servers => _servers ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _servers = await MusicTestServers.StartAsync(
            new CassandraTestClusterOptions { NodeCount = 1, NativePort = CassandraPort, StoragePort = 47000 },
            new ZooKeeperTestEnsembleOptions { ServerCount = 1, BaseClientPort = ZooKeeperPort, BaseQuorumPort = 52888, BaseElectionPort = 53888 });
        _admin = await CqlSession.ConnectAsync(_servers.Cassandra.CreateSessionOptions());
        await CassandraDataStore.CreateAsync(_admin, RecipeDataOptions(site: null));

        // The Cassandra lock tables too, once: every client's store then only prepares its statements.
        await using var bootstrap = new CassandraLockStore(_admin, RecipeLockOptions(TimeSpan.FromSeconds(4), createSchema: true));
        await bootstrap.ReadQueueAsync("schema-bootstrap", CancellationToken.None);
    }

    /// <summary>The lock-store options of a recipe-suite client with Cassandra locks (one replica: one node).</summary>
    public static CassandraLockStoreOptions RecipeLockOptions(TimeSpan sessionTimeout, bool createSchema) => new()
    {
        Keyspace = RecipeKeyspace,
        TablePrefix = "recipe_lock",
        Replication = CassandraReplication.Simple(1),
        CreateSchema = createSchema,
        SessionTimeout = sessionTimeout,
        PollMaxDelay = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>The data-store options of a recipe-suite client at <paramref name="site"/> (one replica: one node).</summary>
    public static CassandraDataStoreOptions RecipeDataOptions(string? site) => new()
    {
        Keyspace = RecipeKeyspace,
        Replication = CassandraReplication.Simple(1),
        CreateSchema = site is null,
        Site = site,
    };

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }
}
