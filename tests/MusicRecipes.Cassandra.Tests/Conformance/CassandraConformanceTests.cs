using MusicRecipes.Testing;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;
using Xunit.Abstractions;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>The MUSIC contract with Cassandra data and Cassandra (LWT) locks.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraConformanceTests(CassandraClusterFixture fixture) : MusicConformanceTests
{
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks: true);

    protected override IMusicTestBackend Backend => _backend;
}

/// <summary>The MUSIC contract with Cassandra data and the in-memory lock service.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraDataInMemoryLocksConformanceTests(CassandraClusterFixture fixture) : MusicConformanceTests
{
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks: false);

    protected override IMusicTestBackend Backend => _backend;
}

/// <summary>Holders stopped inside the lock path, with Cassandra data and Cassandra (LWT) locks.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLockPathFaultTests(CassandraClusterFixture fixture) : LockPathFaultConformanceTests
{
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks: true);

    protected override IMusicTestBackend Backend => _backend;
}

/// <summary>Loss told first with Cassandra (LWT) locks: each site's lock session goes through its own coordinator, which the test stalls.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLossFirstTests : LossFirstConformanceTests
{
    private readonly SiteCoordinators _sites;
    private readonly CassandraTestBackend _backend;

    public CassandraLossFirstTests(CassandraClusterFixture fixture, ITestOutputHelper output)
        : base(output)
    {
        _sites = new SiteCoordinators(fixture);
        _backend = new CassandraTestBackend(fixture, cassandraLocks: true, _sites, locksThroughSites: true);
    }

    protected override IMusicTestBackend Backend => _backend;

    protected override ISilentPartitionFaults Stalls => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _sites.DisposeAsync();
    }
}

/// <summary>Reader-writer and semaphore tickets with Cassandra data and Cassandra (LWT) locks.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraSharedTicketTests(CassandraClusterFixture fixture, ITestOutputHelper output) : SharedTicketConformanceTests(output)
{
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks: true);

    protected override IMusicTestBackend Backend => _backend;
}
