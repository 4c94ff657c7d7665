using MusicRecipes.Testing;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;
using MusicRecipes.Testing.Backends;
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
public sealed class CassandraLossFirstTests(CassandraClusterFixture fixture, ITestOutputHelper output) : LossFirstConformanceTests(output)
{
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks: true, CassandraSiteLinks.DataAndLocks);

    protected override IMusicTestBackend Backend => _backend;
}

/// <summary>Reader-writer and semaphore tickets with Cassandra data and Cassandra (LWT) locks.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraSharedTicketTests(CassandraClusterFixture fixture, ITestOutputHelper output) : SharedTicketConformanceTests(output)
{
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks: true);

    protected override IMusicTestBackend Backend => _backend;
}
