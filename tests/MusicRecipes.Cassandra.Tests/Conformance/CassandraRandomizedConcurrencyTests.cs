using MusicRecipes.Testing;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;
using MusicRecipes.Testing.Backends;
using Xunit.Abstractions;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Critical increments with Cassandra data and the in-memory lock service while a nemesis cuts sites off (lock
/// service and Cassandra access, <see cref="CassandraTestBackend.CutOffAsync"/>) and expires lock sessions; the history
/// checker must find nothing.
/// </summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraDataInMemoryLocksRandomizedConcurrencyTests(CassandraClusterFixture fixture, ITestOutputHelper output) : RandomizedConcurrencyTests(output)
{
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks: false, CassandraSiteLinks.Data);

    protected override IMusicTestBackend Backend => _backend;
}
