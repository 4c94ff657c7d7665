using System.Text;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Testing.Tests.ZooKeeper;

/// <summary>
/// Real ZooKeeper servers killed and restarted, as the reliability run's nemesis does (hole 8 of issue 10: a restart
/// that "did not serve within 60 s"). Ports lie below the ephemeral range, as the test kit asks of fixtures that
/// restart servers: ensemble 25181-25183 / 25281+ / 25381+, standalone servers 25481, 25581 and 25591.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperRestartTests
{
    [Fact]
    public async Task The_ensemble_serves_after_every_restart_of_its_leader_or_a_follower()
    {
        await using var ensemble = await ZooKeeperTestEnsemble.StartAsync(new ZooKeeperTestEnsembleOptions
        {
            ServerCount = 3,
            BaseClientPort = 25181,
            BaseQuorumPort = 25281,
            BaseElectionPort = 25381,
        });
        await using var client = await ConnectAsync(ensemble.ConnectionString);
        var path = "/restart-" + Guid.NewGuid().ToString("N")[..8];
        await client.CreateAsync(path, Encoding.ASCII.GetBytes("0"), CreateMode.Persistent);
        var leaderKills = 0;
        for (var round = 1; round <= 6; round++)
        {
            var leader = await ensemble.LeaderIndexAsync();
            Assert.True(leader >= 0, $"round {round}: no leader");
            var victim = round % 2 == 1 ? leader : (leader + 1) % ensemble.ServerCount;
            leaderKills += victim == leader ? 1 : 0;
            await ensemble.KillAsync(victim);
            await Task.Delay(500 * (round % 3 + 1));
            await ensemble.RestartAsync(victim);

            // Served through the whole ensemble, and by the restarted server itself (it rejoined and caught up).
            await client.SetDataAsync(path, Encoding.ASCII.GetBytes(round.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await using var direct = await ConnectAsync(ensemble.ConnectionStringFor(victim));
            var data = await direct.GetDataAsync(path);
            Assert.Equal(round.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.ASCII.GetString(data.Data));
        }

        Assert.Equal(3, leaderKills);
    }

    [Fact]
    public async Task A_restart_waits_while_a_connection_holds_the_servers_port_and_then_serves()
    {
        await using var server = await ZooKeeperTestEnsemble.StartAsync(new ZooKeeperTestEnsembleOptions { BaseClientPort = 25481 });
        await server.KillAsync(0);
        Task restart;
        using (new HeldPort(25481))
        {
            restart = server.RestartAsync(0);
            await Task.Delay(2000);

            // Started at once, the server would have exited on "Address already in use" and never served.
            Assert.False(restart.IsCompleted, restart.Exception?.ToString() ?? "the restart finished while the port was held");
        }

        await restart;
        Assert.Equal("standalone", await server.ModeOfAsync(0));
    }

    [Fact]
    public async Task A_port_that_stays_held_is_reported_with_its_holder_instead_of_a_timeout()
    {
        await using var server = await ZooKeeperTestEnsemble.StartAsync(new ZooKeeperTestEnsembleOptions { BaseClientPort = 25581, StartTimeout = TimeSpan.FromSeconds(4) });
        await server.KillAsync(0);
        using var held = new HeldPort(25581);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.RestartAsync(0));
        Assert.Contains("port 25581", error.Message, StringComparison.Ordinal);
        Assert.Contains("ESTABLISHED", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_exits_on_restart_is_reported_as_exited_with_its_log()
    {
        await using var server = await ZooKeeperTestEnsemble.StartAsync(new ZooKeeperTestEnsembleOptions { BaseClientPort = 25591 });
        await server.KillAsync(0);

        // A data directory the server cannot use: it logs why and exits (its JVM then stays a zombie of its wrapper).
        var snapshots = Path.Combine(server.DataRoot, "zk1", "data", "version-2");
        Directory.Delete(snapshots, recursive: true);
        await File.WriteAllTextAsync(snapshots, "not a directory");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.RestartAsync(0));
        Assert.Contains("exited", error.Message, StringComparison.Ordinal);
    }

    private static Task<ZooKeeperClient> ConnectAsync(string connectionString) =>
        ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectionString = connectionString,
            SessionTimeout = TimeSpan.FromSeconds(10),
            ConnectionTimeout = TimeSpan.FromSeconds(20),
        });
}
