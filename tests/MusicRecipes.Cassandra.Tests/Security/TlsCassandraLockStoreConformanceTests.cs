using MusicRecipes.Conformance;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;
using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Cassandra.Tests.Security;

/// <summary>
/// The lock-store obligations once more over TLS: every store's session reaches the node only through its TLS native
/// port, with the client certificate the node requires (docs/security.md).
/// </summary>
[Collection(TlsCassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class TlsCassandraLockStoreConformanceTests : LockStoreConformanceTests
{
    private const string Keyspace = "tls_lock_tests";
    private readonly Lazy<Task<CqlSession>> _session;

    public TlsCassandraLockStoreConformanceTests(TlsCassandra node)
    {
        _session = new(() => CqlSession.ConnectAsync(node.SessionOptions(o => o.DefaultConsistency = CqlConsistency.Quorum)));
        Backend = CassandraLockStoreTestBackend.Create("Cassandra LWT lock store over TLS", () => _session.Value, Keyspace, CassandraReplication.Simple(1));
    }

    protected override IMusicTestBackend Backend { get; }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync(); // the stores first: they use the session
        if (_session.IsValueCreated)
        {
            await (await _session.Value).DisposeAsync();
        }
    }
}
