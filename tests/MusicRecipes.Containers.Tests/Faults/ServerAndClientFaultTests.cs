using System.Diagnostics;
using MusicRecipes.Containers.Tests.Infrastructure;
using MusicRecipes.Cql;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Containers.Tests.Faults;

/// <summary>The process kit's faults, on containers: crash and restart on the same data, freeze and thaw, and a client-side delay through a proxy.</summary>
[Collection(ContainersCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ServerAndClientFaultTests(ContainerServersFixture fixture)
{
    [Fact]
    public async Task A_killed_zookeeper_server_comes_back_on_its_data_and_the_ensemble_serves_throughout()
    {
        var zk = fixture.ZooKeeper;
        var root = ContainerServersFixture.UniqueRoot();
        var victim = (await zk.LeaderIndexAsync() + 1) % zk.ServerCount;
        await using var client = await fixture.ConnectZooKeeperAsync();
        await client.EnsurePathAsync(root + "/before");
        try
        {
            await zk.KillAsync(victim);
            Assert.False(zk.IsRunning(victim));
            await client.EnsurePathAsync(root + "/during");
        }
        finally
        {
            await zk.RestartAsync(victim);
        }

        await using var alone = await fixture.ConnectZooKeeperAsync(zk.ConnectionStringFor(victim));
        await alone.SyncAsync(root);
        Assert.NotNull(await alone.ExistsAsync(root + "/before"));
        Assert.NotNull(await alone.ExistsAsync(root + "/during"));
    }

    [Fact]
    public async Task Quorum_goes_on_through_a_frozen_cassandra_node_and_a_killed_one_comes_back_on_its_data()
    {
        var table = $"{ContainerServersFixture.Keyspace}.f{Guid.NewGuid():N}"[..(ContainerServersFixture.Keyspace.Length + 1 + 21)];
        await fixture.Session.ExecuteAsync($"CREATE TABLE {table} (k int PRIMARY KEY, v int)");
        Assert.True(await fixture.Session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(20)));
        await using var viaNode1 = await fixture.SessionOnAsync(1);
        try
        {
            await fixture.Cassandra.PauseAsync(2);
            await viaNode1.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, v) VALUES (1, 1)"));
            await fixture.Cassandra.ResumeAsync(2);

            await fixture.Cassandra.KillAsync(3);
            Assert.False(fixture.Cassandra.IsRunning(3));
            await viaNode1.ExecuteAsync(new CqlQuery($"INSERT INTO {table} (k, v) VALUES (2, 2)"));
            await fixture.Cassandra.StartNodeAsync(3);
        }
        finally
        {
            await fixture.MendAsync();
        }

        // Node 3 kept what it had before the crash: the first row reaches it at ALL through it.
        await using var viaNode3 = await fixture.SessionOnAsync(3);
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    var rows = await viaNode3.ExecuteAsync(new CqlQuery($"SELECT v FROM {table} WHERE k = 1") { Consistency = CqlConsistency.All });
                    return rows.Rows.Count == 1;
                }
                catch (Exception e) when (e is CqlException or TimeoutException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "a read at ALL through the restarted node");
    }

    [Fact]
    public async Task A_client_side_delay_through_a_proxy_slows_only_the_client_behind_it()
    {
        var zk = fixture.ZooKeeper;
        await using var proxy = TcpFaultProxy.Start(zk.EndPointOf(0));
        await using var slow = await fixture.ConnectZooKeeperAsync($"127.0.0.1:{proxy.Port}");
        await using var fast = await fixture.ConnectZooKeeperAsync(zk.ConnectionStringFor(0));
        proxy.Latency = TimeSpan.FromMilliseconds(200);

        var clock = Stopwatch.StartNew();
        await slow.ExistsAsync("/zookeeper");
        var slowTrip = clock.Elapsed;
        clock.Restart();
        await fast.ExistsAsync("/zookeeper");
        var fastTrip = clock.Elapsed;

        Assert.True(slowTrip >= TimeSpan.FromMilliseconds(350), $"the delayed round trip took {slowTrip.TotalMilliseconds:F0} ms");
        Assert.True(fastTrip < TimeSpan.FromMilliseconds(350), $"the direct round trip took {fastTrip.TotalMilliseconds:F0} ms");
    }
}
