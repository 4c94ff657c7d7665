using MusicRecipes.Testing;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;
using Xunit.Abstractions;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Critical increments with Cassandra data and the in-memory lock service while a nemesis cuts sites off (lock
/// service and Cassandra access, <see cref="CassandraSitePartitions"/>) and expires lock sessions; the history
/// checker must find nothing.
/// </summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraDataInMemoryLocksRandomizedConcurrencyTests : RandomizedConcurrencyTests
{
    private readonly SiteCoordinators _sites;
    private readonly CassandraTestBackend _backend;

    public CassandraDataInMemoryLocksRandomizedConcurrencyTests(CassandraClusterFixture fixture, ITestOutputHelper output)
        : base(output)
    {
        _sites = new SiteCoordinators(fixture);
        _backend = new CassandraTestBackend(fixture, cassandraLocks: false, _sites);
        Partitions = new CassandraSitePartitions(_sites, _backend.LockService);
    }

    protected override IMusicTestBackend Backend => _backend;

    protected override IPartitionFaults Partitions { get; }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _sites.DisposeAsync();
    }
}
