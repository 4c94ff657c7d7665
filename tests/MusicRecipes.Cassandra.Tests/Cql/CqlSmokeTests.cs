using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra.Tests.Cql;

[Collection(CassandraCollection.Name)]
public sealed class CqlSmokeTests(CassandraClusterFixture fixture)
{
    [Fact]
    public async Task Negotiates_v3_and_discovers_all_three_nodes()
    {
        await using var session = await fixture.NewSessionAsync(o => { o.ContactPoints.Clear(); o.ContactPoints.Add("127.0.0.1"); });
        Assert.Equal(3, session.ProtocolVersion);
        Assert.Equal(3, session.Hosts.Count);
        Assert.Equal("datacenter1", session.LocalDataCenter);
        var rows = await session.ExecuteAsync("SELECT release_version FROM system.local");
        Assert.Equal("2.1.0", rows.Rows[0].Get<string>("release_version"));
    }
}
