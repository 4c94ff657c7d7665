using MusicRecipes.Testing;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Sync on acquire (rule 3 of docs/design.md) against real partial writes on Cassandra (<see cref="CassandraPartialWrites"/>).
/// Every test freezes two of the three shared nodes, so the nodes are always brought back, even when a test fails
/// between arming and recovering.
/// </summary>
public abstract class CassandraPartialWriteSuite : PartialWriteConformanceTests
{
    private readonly SiteCoordinators _sites;
    private readonly CassandraTestBackend _backend;
    private readonly CassandraPartialWrites _faults;

    protected CassandraPartialWriteSuite(CassandraClusterFixture fixture, bool cassandraLocks)
    {
        _sites = new SiteCoordinators(fixture);

        // Freezing two of three nodes also stops Cassandra locks (LWT needs a majority), as losing a ZooKeeper
        // majority would: lock sessions must outlive the few seconds of the fault, so their lease is longer.
        _backend = new CassandraTestBackend(fixture, cassandraLocks, _sites, lockSessionTimeout: TimeSpan.FromSeconds(10));
        _faults = new CassandraPartialWrites(fixture);
    }

    protected override IMusicTestBackend Backend => _backend;

    protected override IPartialWriteFaults Faults => _faults;

    public override async Task DisposeAsync()
    {
        if (_faults.IsArmed)
        {
            await _faults.RecoverAsync();
        }

        await base.DisposeAsync();
        await _sites.DisposeAsync();
    }
}

/// <summary>Partial writes with Cassandra data and the in-memory lock service.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraDataInMemoryLocksPartialWriteTests(CassandraClusterFixture fixture) : CassandraPartialWriteSuite(fixture, cassandraLocks: false);

/// <summary>Partial writes with Cassandra data and Cassandra (LWT) locks.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraPartialWriteTests(CassandraClusterFixture fixture) : CassandraPartialWriteSuite(fixture, cassandraLocks: true);
