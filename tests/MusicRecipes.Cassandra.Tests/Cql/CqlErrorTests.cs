using MusicRecipes.Testing;
using System.Diagnostics;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra.Tests.Cql;

[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CqlErrorTests(CassandraClusterFixture fixture)
{
    [Fact]
    public async Task Syntax_error_is_typed()
    {
        var error = await Assert.ThrowsAsync<CqlSyntaxException>(() => fixture.Session.ExecuteAsync("SELEC * FROM system.local"));
        Assert.Equal(CqlErrorCode.SyntaxError, error.Code);
        Assert.NotNull(error.Host);
    }

    [Fact]
    public async Task Invalid_query_is_typed()
    {
        var error = await Assert.ThrowsAsync<CqlInvalidQueryException>(() => fixture.Session.ExecuteAsync("SELECT * FROM cql_tests.no_such_table"));
        Assert.Contains("no_such_table", error.ServerMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Bad_value_type_is_invalid()
    {
        var table = await fixture.CreateTableAsync("k text PRIMARY KEY, v bigint");
        await Assert.ThrowsAsync<CqlInvalidQueryException>(() => fixture.Session.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, v) VALUES (?, ?)", "k", 1)));
    }

    [Fact]
    public async Task Already_exists_carries_keyspace_and_table()
    {
        var table = await fixture.CreateTableAsync("k text PRIMARY KEY");
        var error = await Assert.ThrowsAsync<CqlAlreadyExistsException>(() => fixture.Session.ExecuteAsync($"CREATE TABLE {table} (k text PRIMARY KEY)"));
        Assert.Equal(CassandraClusterFixture.Keyspace, error.Keyspace);
        Assert.Equal(table.Split('.')[1], error.Table);

        var keyspaceError = await Assert.ThrowsAsync<CqlAlreadyExistsException>(() => fixture.Session.ExecuteAsync(
            $"CREATE KEYSPACE {CassandraClusterFixture.Keyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"));
        Assert.Equal(string.Empty, keyspaceError.Table);
    }

    [Fact]
    public async Task Nodes_that_never_saw_a_statement_answer_unprepared_and_the_session_reprepares()
    {
        var table = await fixture.CreateTableAsync("k text PRIMARY KEY, v int");
        var prepares = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "MusicRecipes",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.DisplayName == "cql prepare" && (a.GetTagItem("db.statement") as string)?.Contains(table, StringComparison.Ordinal) == true)
                {
                    Interlocked.Increment(ref prepares);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var session = await fixture.NewSessionAsync();
        var insert = await session.PrepareAsync($"INSERT INTO {table} (k, v) VALUES (?, ?)");
        Assert.Equal(1, Volatile.Read(ref prepares));

        // Pinned to each node in turn: the two that did not prepare it answer UNPREPARED (0x2500) first.
        for (var node = 1; node <= 3; node++)
        {
            await session.ExecuteAsync(new CqlBoundStatement(insert, $"k{node}", node) { Host = fixture.Cluster.EndPointOf(node) });
        }

        Assert.Equal(3, Volatile.Read(ref prepares));
        var count = await session.ExecuteAsync(new CqlQuery($"SELECT COUNT(*) FROM {table}") { Consistency = CqlConsistency.All });
        Assert.Equal(3L, count.Rows[0].Get<long>(0));
    }

    [Fact]
    public async Task Tracing_returns_a_tracing_id()
    {
        var result = await fixture.Session.ExecuteAsync(new CqlQuery("SELECT release_version FROM system.local") { EnableTracing = true });
        Assert.NotNull(result.TracingId);
        Assert.NotEqual(Guid.Empty, result.TracingId!.Value);
    }
}
