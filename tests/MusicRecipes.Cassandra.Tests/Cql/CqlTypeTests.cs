using MusicRecipes.Testing;
using System.Net;
using System.Numerics;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra.Tests.Cql;

[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CqlTypeTests(CassandraClusterFixture fixture)
{
    private const string Columns =
        "k text PRIMARY KEY, b blob, big bigint, i int, flag boolean, id uuid, tid timeuuid, ts timestamp, d double, " +
        "f float, vi varint, dec decimal, ip inet, a ascii, l list<text>, s set<int>, m map<text, bigint>";

    [Fact]
    public async Task Every_type_round_trips_through_a_prepared_statement()
    {
        var table = await fixture.CreateTableAsync(Columns);
        var insert = await fixture.Session.PrepareAsync(
            $"INSERT INTO {table} (k, b, big, i, flag, id, tid, ts, d, f, vi, dec, ip, a, l, s, m) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        var id = Guid.NewGuid();
        var timeuuid = Guid.Parse("5a9b4d30-8a3e-11ee-b9d1-0242ac120002");
        var ts = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_123_456);
        var big = BigInteger.Parse("-123456789012345678901234567890");
        await fixture.Session.ExecuteAsync(insert.Bind(
            "κλειδί", new byte[] { 0, 1, 255 }, long.MinValue, 42, true, id, timeuuid, ts, 3.5, 1.25f, big, -12.345m,
            IPAddress.Parse("10.1.2.3"), "plain", new List<string> { "x", "y", "x" }, new HashSet<int> { 3, 1, 2 },
            new Dictionary<string, long> { ["one"] = 1, ["max"] = long.MaxValue }));

        var row = (await fixture.Session.ExecuteAsync(new CqlQuery($"SELECT * FROM {table} WHERE k = ?", "κλειδί"))).Rows.Single();

        Assert.Equal(new byte[] { 0, 1, 255 }, row.Get<byte[]>("b"));
        Assert.Equal(long.MinValue, row.Get<long>("big"));
        Assert.Equal(42, row.Get<int>("i"));
        Assert.True(row.Get<bool>("flag"));
        Assert.Equal(id, row.Get<Guid>("id"));
        Assert.Equal(timeuuid, row.Get<Guid>("tid"));
        Assert.Equal(ts, row.Get<DateTimeOffset>("ts"));
        Assert.Equal(3.5, row.Get<double>("d"));
        Assert.Equal(1.25f, row.Get<float>("f"));
        Assert.Equal(big, row.Get<BigInteger>("vi"));
        Assert.Equal(-12.345m, row.Get<decimal>("dec"));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), row.Get<IPAddress>("ip"));
        Assert.Equal("plain", row.Get<string>("a"));
        Assert.Equal(new[] { "x", "y", "x" }, row.GetList<string>("l"));
        Assert.Equal(new HashSet<int> { 1, 2, 3 }, row.GetSet<int>("s"));
        var map = row.GetMap<string, long>("m");
        Assert.Equal(2, map.Count);
        Assert.Equal(long.MaxValue, map["max"]);
    }

    [Fact]
    public async Task Simple_statement_values_are_encoded_from_their_dotnet_types_and_nulls_read_back_as_null()
    {
        var table = await fixture.CreateTableAsync(Columns);
        await fixture.Session.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, big, i, flag, d, b) VALUES (?, ?, ?, ?, ?, ?)", "k", 7L, -7, false, -0.5, null));

        var row = (await fixture.Session.ExecuteAsync(new CqlQuery($"SELECT big, i, flag, d, b, l FROM {table} WHERE k = ?", "k"))).Rows.Single();

        Assert.Equal(7L, row.Get<long>("big"));
        Assert.Equal(-7, row.Get<int>("i"));
        Assert.False(row.Get<bool>("flag"));
        Assert.Equal(-0.5, row.Get<double>("d"));
        Assert.True(row.IsNull("b"));
        Assert.Empty(row.GetList<string>("l"));
    }

    [Fact]
    public async Task Uuid_uses_rfc4122_byte_order_not_the_dotnet_guid_layout()
    {
        var table = await fixture.CreateTableAsync("k text PRIMARY KEY, id uuid");
        const string text = "00112233-4455-6677-8899-aabbccddeeff";
        await fixture.Session.ExecuteAsync($"INSERT INTO {table} (k, id) VALUES ('literal', {text})");
        await fixture.Session.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, id) VALUES (?, ?)", "bound", Guid.Parse(text)));

        var literal = (await fixture.Session.ExecuteAsync($"SELECT id FROM {table} WHERE k = 'literal'")).Rows.Single();
        var bound = (await fixture.Session.ExecuteAsync($"SELECT id FROM {table} WHERE k = 'bound'")).Rows.Single();

        Assert.Equal(Guid.Parse(text), literal.Get<Guid>("id"));
        Assert.Equal(Guid.Parse(text), bound.Get<Guid>("id"));
    }

    [Fact]
    public async Task Statement_timestamp_becomes_the_write_timestamp_in_microseconds()
    {
        var table = await fixture.CreateTableAsync("k text PRIMARY KEY, v int");
        await fixture.Session.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, v) VALUES ('a', 2)") { Timestamp = 2_000 });
        await fixture.Session.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, v) VALUES ('a', 1)") { Timestamp = 1_000 });

        var row = (await fixture.Session.ExecuteAsync($"SELECT v, WRITETIME(v) FROM {table} WHERE k = 'a'")).Rows.Single();

        Assert.Equal(2, row.Get<int>("v"));
        Assert.Equal(2_000L, row.Get<long>(1));
    }

    [Fact]
    public async Task Client_timestamps_are_microseconds_close_to_now()
    {
        var table = await fixture.CreateTableAsync("k text PRIMARY KEY, v int");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        await fixture.Session.ExecuteAsync($"INSERT INTO {table} (k, v) VALUES ('a', 1)");
        var written = (await fixture.Session.ExecuteAsync($"SELECT WRITETIME(v) FROM {table} WHERE k = 'a'")).Rows.Single().Get<long>(0);

        Assert.InRange(written, before - 1_000_000, before + 60_000_000);
    }
}
