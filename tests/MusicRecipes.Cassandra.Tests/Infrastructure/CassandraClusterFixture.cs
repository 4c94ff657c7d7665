using MusicRecipes.Cql;
using MusicRecipes.Testing;

namespace MusicRecipes.Cassandra.Tests.Infrastructure;

/// <summary>
/// ONE real 3-node Cassandra cluster for the whole test project (native port 19042, storage port 17000), because
/// starting one costs ~30 s on two cores. Tests that kill or pause nodes restore them with
/// <see cref="CassandraTestCluster.EnsureAllUpAsync"/> before they finish.
/// </summary>
public sealed class CassandraClusterFixture : IAsyncLifetime
{
    private CassandraTestCluster? _cluster;
    private CqlSession? _session;

    public CassandraTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    /// <summary>A shared session (tests that break nodes use their own).</summary>
    public CqlSession Session => _session ?? throw new InvalidOperationException("Not started.");

    public const string Keyspace = "cql_tests";

    public async Task InitializeAsync()
    {
        _cluster = await CassandraTestCluster.StartAsync(new CassandraTestClusterOptions
        {
            NodeCount = 3,
            NativePort = 19042,
            StoragePort = 17000,

            // Partial writes stay partial: a paused replica drops, on resume, the write that already timed out.
            CrossNodeTimeout = true,
        });
        var options = _cluster.CreateSessionOptions();

        // Read-your-writes across coordinators (tests write through one node and read through another).
        options.DefaultConsistency = CqlConsistency.Quorum;
        _session = await CqlSession.ConnectAsync(options);
        await _session.ExecuteAsync($"CREATE KEYSPACE IF NOT EXISTS {Keyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 3}}");
        await _session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(20));
    }

    public async Task<CqlSession> NewSessionAsync(Action<CqlSessionOptions>? configure = null)
    {
        var options = Cluster.CreateSessionOptions();
        options.DefaultConsistency = CqlConsistency.Quorum;
        configure?.Invoke(options);
        return await CqlSession.ConnectAsync(options);
    }

    /// <summary>A new session that reaches the cluster only through <paramref name="link"/> (no peer discovery), so cutting the link cuts it off.</summary>
    public Task<CqlSession> NewSessionThroughAsync(MusicRecipes.Testing.Network.TcpFaultProxy link) => NewSessionAsync(o =>
    {
        o.ContactPoints.Clear();
        o.ContactPoints.Add(System.Net.IPAddress.Loopback.ToString());
        o.Port = link.Port;
        o.DiscoverPeers = false;
    });

    /// <summary>Creates a table with a unique name and waits for schema agreement.</summary>
    public async Task<string> CreateTableAsync(string columns)
    {
        var name = $"{Keyspace}.t{Guid.NewGuid():N}"[..(Keyspace.Length + 1 + 21)];
        await Session.ExecuteAsync($"CREATE TABLE {name} ({columns})");
        Assert.True(await Session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(20)));
        return name;
    }

    public async Task DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CassandraCollection : ICollectionFixture<CassandraClusterFixture>
{
    public const string Name = "cassandra";
}
