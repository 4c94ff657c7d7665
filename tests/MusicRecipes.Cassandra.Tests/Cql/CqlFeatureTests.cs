using MusicRecipes.Testing;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra.Tests.Cql;

[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CqlFeatureTests(CassandraClusterFixture fixture)
{
    [Fact]
    public async Task Offers_v4_and_falls_back_to_v3_then_discovers_every_node()
    {
        await using var session = await fixture.NewSessionAsync(o =>
        {
            o.ContactPoints.Clear();
            o.ContactPoints.Add("127.0.0.1");
            o.MaxProtocolVersion = 4;
        });

        Assert.Equal(3, session.ProtocolVersion);
        Assert.Equal(3, session.Hosts.Count);
        Assert.All(session.Hosts, h => Assert.Equal("datacenter1", h.DataCenter));
        Assert.Equal("datacenter1", session.LocalDataCenter);
        var rows = await session.ExecuteAsync("SELECT release_version FROM system.local");
        Assert.Equal("2.1.0", rows.Rows[0].Get<string>("release_version"));
    }

    [Fact]
    public async Task Without_peer_discovery_the_contact_point_coordinates_every_request()
    {
        await using var session = await fixture.NewSessionAsync(o =>
        {
            o.ContactPoints.Clear();
            o.ContactPoints.Add("127.0.0.2");
            o.DiscoverPeers = false;
        });

        var host = Assert.Single(session.Hosts);
        Assert.Equal("datacenter1", host.DataCenter);
        for (var i = 0; i < 6; i++)
        {
            // system.peers lists every node but the coordinator.
            var rows = await session.ExecuteAsync("SELECT peer FROM system.peers");
            var peers = rows.Rows.Select(r => r.Get<System.Net.IPAddress>("peer")!.ToString()).Order().ToArray();
            Assert.Equal(new[] { "127.0.0.1", "127.0.0.3" }, peers);
        }
    }

    [Fact]
    public async Task Lightweight_transactions_report_applied_as_the_first_column()
    {
        var table = await fixture.CreateTableAsync("k text PRIMARY KEY, v int");
        var first = await fixture.Session.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, v) VALUES (?, ?) IF NOT EXISTS", "a", 1) { SerialConsistency = CqlConsistency.Serial });
        var second = await fixture.Session.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, v) VALUES (?, ?) IF NOT EXISTS", "a", 2));
        var wrongGuard = await fixture.Session.ExecuteAsync(new CqlQuery($"UPDATE {table} SET v = ? WHERE k = ? IF v = ?", 3, "a", 2));
        var rightGuard = await fixture.Session.ExecuteAsync(new CqlQuery($"UPDATE {table} SET v = ? WHERE k = ? IF v = ?", 3, "a", 1));

        Assert.True(first.WasApplied);
        Assert.Equal("[applied]", first.Columns[0].Name);
        Assert.False(second.WasApplied);
        Assert.Equal(1, second.Rows[0].Get<int>("v"));
        Assert.False(wrongGuard.WasApplied);
        Assert.Equal(1, wrongGuard.Rows[0].Get<int>("v"));
        Assert.True(rightGuard.WasApplied);
        var serial = await fixture.Session.ExecuteAsync(new CqlQuery($"SELECT v FROM {table} WHERE k = 'a'") { Consistency = CqlConsistency.Serial });
        Assert.Equal(3, serial.Rows[0].Get<int>("v"));
    }

    [Fact]
    public async Task Paging_streams_every_row_across_pages()
    {
        var table = await fixture.CreateTableAsync("p int, c int, PRIMARY KEY (p, c)");
        var insert = await fixture.Session.PrepareAsync($"INSERT INTO {table} (p, c) VALUES (?, ?)");
        await Task.WhenAll(Enumerable.Range(0, 250).Select(i => fixture.Session.ExecuteAsync(insert.Bind(i % 5, i))));

        var firstPage = await fixture.Session.ExecuteAsync(new CqlQuery($"SELECT p, c FROM {table}") { PageSize = 100 });
        var second = await fixture.Session.ExecuteAsync(new CqlQuery($"SELECT p, c FROM {table}") { PageSize = 100, PagingState = firstPage.PagingState });
        var all = new List<int>();
        await foreach (var row in fixture.Session.QueryAsync(new CqlQuery($"SELECT p, c FROM {table}") { PageSize = 100 }))
        {
            all.Add(row.Get<int>("c"));
        }

        Assert.Equal(100, firstPage.Rows.Count);
        Assert.NotNull(firstPage.PagingState);
        Assert.Equal(100, second.Rows.Count);
        Assert.Empty(firstPage.Rows.Select(r => r.Get<int>("c")).Intersect(second.Rows.Select(r => r.Get<int>("c"))));
        Assert.Equal(Enumerable.Range(0, 250), all.Order());
    }

    [Fact]
    public async Task Batches_mix_queries_and_prepared_statements_and_can_be_conditional()
    {
        var table = await fixture.CreateTableAsync("p text, c int, v text, PRIMARY KEY (p, c)");
        var insert = await fixture.Session.PrepareAsync($"INSERT INTO {table} (p, c, v) VALUES (?, ?, ?)");
        var batch = new CqlBatch { Consistency = CqlConsistency.Quorum }
            .Add($"INSERT INTO {table} (p, c, v) VALUES (?, ?, ?)", "x", 1, "one")
            .Add(insert.Bind("x", 2, "two"))
            .Add(insert.Bind("y", 3, "three"));
        await fixture.Session.ExecuteAsync(batch);

        var conditional = new CqlBatch()
            .Add($"INSERT INTO {table} (p, c, v) VALUES ('x', 4, 'four')")
            .Add($"UPDATE {table} SET v = 'uno' WHERE p = 'x' AND c = 1 IF v = 'one'");
        var applied = await fixture.Session.ExecuteAsync(conditional);
        var rejected = await fixture.Session.ExecuteAsync(new CqlBatch()
            .Add($"INSERT INTO {table} (p, c, v) VALUES ('x', 5, 'five')")
            .Add($"UPDATE {table} SET v = 'ein' WHERE p = 'x' AND c = 1 IF v = 'one'"));

        var rows = await fixture.Session.ExecuteAsync(new CqlQuery($"SELECT c, v FROM {table} WHERE p = 'x'") { Consistency = CqlConsistency.Quorum });
        Assert.True(applied.WasApplied);
        Assert.False(rejected.WasApplied);
        Assert.Equal(new[] { "uno", "two", "four" }, rows.Rows.Select(r => r.Get<string>("v")));
    }

    [Fact]
    public async Task Many_concurrent_requests_share_one_connection_per_node()
    {
        var table = await fixture.CreateTableAsync("k int PRIMARY KEY, v int");
        var insert = await fixture.Session.PrepareAsync($"INSERT INTO {table} (k, v) VALUES (?, ?)");
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => fixture.Session.ExecuteAsync(insert.Bind(i, i * 2))));

        var count = await fixture.Session.ExecuteAsync(new CqlQuery($"SELECT COUNT(*) FROM {table}") { Consistency = CqlConsistency.All });
        Assert.Equal(2000L, count.Rows[0].Get<long>(0));
    }
}
