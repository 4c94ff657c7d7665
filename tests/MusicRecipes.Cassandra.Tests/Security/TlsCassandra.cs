using MusicRecipes.Cql;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Tls;

namespace MusicRecipes.Cassandra.Tests.Security;

/// <summary>
/// A 1-node Cassandra whose native port serves TLS only (<c>client_encryption_options</c>) and requires a client
/// certificate signed by the test authority (<c>require_client_auth: true</c>). Its own ports (CQL 39142, storage
/// 37100), so it runs beside the suites' other clusters. Certificates are made at start, in memory.
/// </summary>
public sealed class TlsCassandra : IAsyncLifetime
{
    private CassandraTestCluster? _cluster;

    public TestServerTls Tls { get; } = TestServerTls.Create(requireClientCertificate: true);

    public CassandraTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _cluster = await CassandraTestCluster.StartAsync(new CassandraTestClusterOptions
        {
            NodeCount = 1,
            NativePort = 39142,
            StoragePort = 37100,
            Tls = Tls,
        });
    }

    /// <summary>Session options for the node with TLS as <paramref name="configure"/> leaves it (the kit's: trusted authority, client certificate).</summary>
    public CqlSessionOptions SessionOptions(Action<CqlSessionOptions>? configure = null)
    {
        var options = Cluster.CreateSessionOptions();
        configure?.Invoke(options);
        return options;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Tls.Dispose();
    }
}
