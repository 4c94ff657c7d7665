using MusicRecipes.Cql;
using MusicRecipes.Testing;

namespace MusicRecipes.Cassandra.Tests.Security;

/// <summary>
/// A 1-node Cassandra that requires a login (PasswordAuthenticator), as production clusters do, with an application
/// role made by the superuser. Its own ports (CQL 39042, storage 37000), so it runs beside the suites' other cluster.
/// </summary>
public sealed class PasswordProtectedCassandra : IAsyncLifetime
{
    public const string AppUser = "orders_app";
    public const string AppPassword = "app-pa55-never-logged";

    private CassandraTestCluster? _cluster;

    public CassandraTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _cluster = await CassandraTestCluster.StartAsync(new CassandraTestClusterOptions
        {
            NodeCount = 1,
            NativePort = 39042,
            StoragePort = 37000,
            PasswordAuthentication = true,
        });
        await using var admin = await CqlSession.ConnectAsync(_cluster.CreateSessionOptions());
        await admin.ExecuteAsync(new CqlQuery($"CREATE USER IF NOT EXISTS {AppUser} WITH PASSWORD '{AppPassword}' NOSUPERUSER"));
    }

    /// <summary>Session options for the node with the given login (null: none).</summary>
    public CqlSessionOptions Login(string? user, string? password)
    {
        var options = Cluster.CreateSessionOptions();
        options.Username = user;
        options.Password = password;
        return options;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
