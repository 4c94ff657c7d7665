using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>The MUSIC contract with Cassandra data and Cassandra (LWT) locks.</summary>
[Collection(CassandraCollection.Name)]
public sealed class CassandraConformanceTests(CassandraClusterFixture fixture) : MusicConformanceTests
{
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks: true);

    protected override IMusicTestBackend Backend => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

/// <summary>The MUSIC contract with Cassandra data and the in-memory lock service.</summary>
[Collection(CassandraCollection.Name)]
public sealed class CassandraDataInMemoryLocksConformanceTests(CassandraClusterFixture fixture) : MusicConformanceTests
{
    private readonly CassandraTestBackend _backend = new(fixture, cassandraLocks: false);

    protected override IMusicTestBackend Backend => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}
