using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;
using MusicRecipes.Testing;

namespace MusicRecipes.Cassandra.Tests.Security;

/// <summary>
/// Keyspace and table names from configuration are spliced into CQL text (they cannot be bound), so a hostile or
/// broken one must be refused before any statement is built — nothing is sent, nothing created.
/// </summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class HostileNameTests(CassandraClusterFixture fixture)
{
    public static TheoryData<string> HostileNames => new()
    {
        "music\"; DROP KEYSPACE music; --",
        "music'",
        "music;",
        "my keyspace",
        "music.locks",
        "1music",
        "",
        new string('k', 49),
        "select",
        "TABLE",
        "keyspace",
        "music\u0000",
        "müsic",
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task A_hostile_keyspace_or_table_name_is_refused_before_anything_is_sent(string name)
    {
        var session = fixture.Session;
        Assert.Throws<ArgumentException>(() => new CassandraLockStore(session, new CassandraLockStoreOptions { Keyspace = name }));
        Assert.Throws<ArgumentException>(() => new CassandraLockStore(session, new CassandraLockStoreOptions { TablePrefix = name }));
        Assert.Throws<ArgumentException>(() => new CassandraDataStore(session, new CassandraDataStoreOptions { Keyspace = name }));
        Assert.Throws<ArgumentException>(() => new CassandraDataStore(session, new CassandraDataStoreOptions { Table = name }));
        await Assert.ThrowsAsync<ArgumentException>(() => CassandraDataStore.CreateAsync(session, new CassandraDataStoreOptions { Keyspace = name }));
        var keyspaces = await KeyspacesAsync(session);
        Assert.DoesNotContain(keyspaces, k => name.Length > 0 && (k == name || k == name.ToLowerInvariant()));
    }

    private static async Task<string[]> KeyspacesAsync(CqlSession session) =>
        (await session.ExecuteAsync(new CqlQuery("SELECT keyspace_name FROM system.schema_keyspaces"))).Rows.Select(r => r.Get<string>("keyspace_name")!).Order().ToArray();

    [Theory]
    [InlineData("music", "music")]
    [InlineData("Orders_Locks", "orders_locks")]
    [InlineData("_k1", "_k1")]
    public void A_plain_identifier_is_accepted_lower_cased(string name, string expected) =>
        Assert.Equal(expected, CassandraIdentifier.Validate(name, "name"));
}
