using MusicRecipes.Testing;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Sync on acquire (rule 3 of docs/design.md) against real partial writes on Cassandra (<see cref="CassandraPartialWrites"/>).
/// Every test freezes two of the three shared nodes; the suite brings them back after every test, even one that failed
/// between arming and recovering.
/// </summary>
public abstract class CassandraPartialWriteSuite(CassandraClusterFixture fixture, bool cassandraLocks) : PartialWriteConformanceTests
{
    // Freezing two of three nodes also stops Cassandra locks (LWT needs a majority), as losing a ZooKeeper
    // majority would: lock sessions must outlive the few seconds of the fault, so their lease is longer.
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks, CassandraSiteLinks.Data, lockSessionTimeout: TimeSpan.FromSeconds(10));

    protected override IMusicTestBackend Backend => _backend;
}

/// <summary>Partial writes with Cassandra data and the in-memory lock service.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraDataInMemoryLocksPartialWriteTests(CassandraClusterFixture fixture) : CassandraPartialWriteSuite(fixture, cassandraLocks: false);

/// <summary>Partial writes with Cassandra data and Cassandra (LWT) locks.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraPartialWriteTests(CassandraClusterFixture fixture) : CassandraPartialWriteSuite(fixture, cassandraLocks: true);
