using MusicRecipes.Testing;
using System.Diagnostics;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra.Tests.Cql;

/// <summary>Tests that kill or freeze nodes; each brings the whole cluster back before it ends.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CqlFaultTests(CassandraClusterFixture fixture)
{
    [Fact]
    public async Task A_node_killed_mid_run_leaves_quorum_working_and_two_dead_nodes_give_a_clear_unavailable()
    {
        var table = await fixture.CreateTableAsync("k int PRIMARY KEY, v int");
        await using var session = await fixture.NewSessionAsync();
        var insert = await session.PrepareAsync($"INSERT INTO {table} (k, v) VALUES (?, ?)");
        try
        {
            var written = 0;
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await session.ExecuteAsync(new CqlBoundStatement(insert, written, written) { Consistency = CqlConsistency.Quorum, IsIdempotent = true });
                    written++;
                }
            });
            await Task.Delay(500);
            await fixture.Cluster.KillAsync(3);
            await Task.Delay(3000);
            stop.Cancel();
            await writer;

            Assert.True(written > 20, $"only {written} writes");
            var count = await CountUntilGossipConvictsAsync(session, table);
            Assert.Equal((long)written, count);
            Assert.Contains(session.Hosts, h => h.EndPoint.Equals(fixture.Cluster.EndPointOf(3)) && !h.IsUp);

            await fixture.Cluster.KillAsync(2);
            var unavailable = await WaitForUnavailableAsync(session, insert);
            Assert.Equal(CqlConsistency.Quorum, unavailable.Consistency);
            Assert.Equal(2, unavailable.Required);
            Assert.Equal(1, unavailable.Alive);
        }
        finally
        {
            await fixture.Cluster.EnsureAllUpAsync();
        }

        // The restarted nodes lost their prepared statements: the session re-prepares on reconnect or on UNPREPARED.
        await Eventually.TrueAsync(() => session.Hosts.All(h => h.IsUp), TimeSpan.FromSeconds(30), "every host up");
        for (var node = 1; node <= 3; node++)
        {
            await session.ExecuteAsync(new CqlBoundStatement(insert, -node, node) { Host = fixture.Cluster.EndPointOf(node), Consistency = CqlConsistency.All });
        }
    }

    [Fact]
    public async Task Frozen_replicas_give_write_and_read_timeouts_with_their_fields()
    {
        var table = await fixture.CreateTableAsync("k int PRIMARY KEY, v int");
        await using var session = await fixture.NewSessionAsync();
        // A write at ALL coordinated by node 1 proves node 1 sees both peers alive (an earlier fault test may have left
        // its gossip view behind); only then does pausing them produce timeouts rather than Unavailable.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await session.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, v) VALUES (1, 1)") { Consistency = CqlConsistency.All, Host = fixture.Cluster.EndPointOf(1) });
                break;
            }
            catch (CqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }

        try
        {
            await fixture.Cluster.PauseAsync(2);
            await fixture.Cluster.PauseAsync(3);

            // Node 1 still believes its peers alive (gossip has not convicted them), so it waits for them and times out.
            var write = await Assert.ThrowsAsync<CqlWriteTimeoutException>(() => session.ExecuteAsync(
                new CqlQuery($"INSERT INTO {table} (k, v) VALUES (2, 2)") { Consistency = CqlConsistency.Quorum, Host = fixture.Cluster.EndPointOf(1) }));
            Assert.Equal(CqlConsistency.Quorum, write.Consistency);
            Assert.Equal(2, write.BlockFor);
            Assert.Equal(1, write.Received);
            Assert.Equal("SIMPLE", write.WriteType);

            var read = await Assert.ThrowsAsync<CqlReadTimeoutException>(() => session.ExecuteAsync(
                new CqlQuery($"SELECT v FROM {table} WHERE k = 1") { Consistency = CqlConsistency.All, Host = fixture.Cluster.EndPointOf(1) }));
            Assert.Equal(3, read.BlockFor);
            Assert.True(read.Received < 3);
        }
        finally
        {
            await fixture.Cluster.EnsureAllUpAsync();
        }
    }

    [Fact]
    public async Task A_timed_out_stream_id_is_not_reused_until_its_late_response_arrives()
    {
        await using var session = await fixture.NewSessionAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var node = fixture.Cluster.EndPointOf(2);
        await session.ExecuteAsync(new CqlQuery("SELECT release_version FROM system.local") { Host = node });
        try
        {
            await fixture.Cluster.PauseAsync(2);
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<CqlNoHostAvailableException>(() => session.ExecuteAsync(
                new CqlQuery("SELECT key FROM system.local") { Host = node, Timeout = TimeSpan.FromMilliseconds(300), IsIdempotent = true }));
            var timeout = await Assert.ThrowsAsync<CqlRequestTimeoutException>(() => session.ExecuteAsync(
                new CqlQuery("SELECT key FROM system.local") { Host = node, Timeout = TimeSpan.FromMilliseconds(300) }));
            Assert.Equal(node, timeout.Host);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        }
        finally
        {
            await fixture.Cluster.ResumeAsync(2);
        }

        // The late answers arrive on the old stream ids; new requests on fresh ids get their own answers.
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            session.ExecuteAsync(new CqlQuery("SELECT release_version FROM system.local") { Host = node })));
        Assert.All(answers, a => Assert.Equal("2.1.0", a.Rows[0].Get<string>(0)));
        await fixture.Cluster.EnsureAllUpAsync();
    }

    [Fact]
    public async Task Cancellation_stops_waiting_without_breaking_the_connection()
    {
        await using var session = await fixture.NewSessionAsync(o => o.HeartbeatInterval = TimeSpan.Zero);
        var node = fixture.Cluster.EndPointOf(3);
        await session.ExecuteAsync(new CqlQuery("SELECT release_version FROM system.local") { Host = node });
        try
        {
            await fixture.Cluster.PauseAsync(3);
            using var cancel = new CancellationTokenSource(200);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.ExecuteAsync(
                new CqlQuery("SELECT key FROM system.local") { Host = node }, cancel.Token));
        }
        finally
        {
            await fixture.Cluster.ResumeAsync(3);
        }

        var answer = await session.ExecuteAsync(new CqlQuery("SELECT release_version FROM system.local") { Host = node });
        Assert.Equal("2.1.0", answer.Rows[0].Get<string>(0));
        await fixture.Cluster.EnsureAllUpAsync();
    }

    private static async Task<CqlUnavailableException> WaitForUnavailableAsync(CqlSession session, CqlPreparedStatement insert)
    {
        // The survivor needs a few seconds of gossip to convict the dead node; until then writes time out.
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await session.ExecuteAsync(new CqlBoundStatement(insert, -1, -1) { Consistency = CqlConsistency.Quorum });
            }
            catch (CqlUnavailableException e)
            {
                return e;
            }
            catch (CqlWriteTimeoutException) when (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
            }
            catch (CqlNoHostAvailableException) when (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
            }
            catch (CqlConnectionException) when (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                // Sent on the killed node's connection before the client saw it die: not retried (not idempotent).
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "no Unavailable within 60 s");
            await Task.Delay(250);
        }
    }

    private static async Task<long> CountUntilGossipConvictsAsync(CqlSession session, string table)
    {
        // Until gossip convicts the dead node a coordinator may still pick it for a QUORUM read and time out.
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var count = await session.ExecuteAsync(new CqlQuery($"SELECT COUNT(*) FROM {table}") { Consistency = CqlConsistency.Quorum, IsIdempotent = true });
                return count.Rows[0].Get<long>(0);
            }
            catch (CqlReadTimeoutException) when (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(250);
            }
        }
    }
}
