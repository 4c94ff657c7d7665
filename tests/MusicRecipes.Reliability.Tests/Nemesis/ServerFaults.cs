using System.Globalization;
using MusicRecipes.Reliability.Tests.Harness;

namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>
/// Crashes and freezes of the servers, each repaired before it returns: a Cassandra node killed and started again on
/// its data, or frozen and thawed; a ZooKeeper server (the leader half of the time) killed and restarted. A repair may
/// be slow — it gets <see cref="ReliabilitySettings.RepairTimeout"/> — but one that fails is returned as unrepaired.
/// </summary>
internal sealed class ServerFaults(ReliabilityEnvironment environment)
{
    public async Task<FaultResult?> KillCassandraAsync(Random lane)
    {
        var node = lane.Next(1, environment.Servers.CassandraNodes + 1);
        var target = Name("cassandra", node);
        await environment.Servers.KillCassandraAsync(node);
        await Task.Delay(lane.Next(1000, 5000));
        return await RepairAsync(target, ct => environment.Servers.StartCassandraAsync(node, ct));
    }

    public async Task<FaultResult?> PauseCassandraAsync(Random lane)
    {
        var node = lane.Next(1, environment.Servers.CassandraNodes + 1);
        await environment.Servers.PauseCassandraAsync(node);
        try
        {
            await Task.Delay(lane.Next(1000, 6000));
        }
        finally
        {
            await environment.Servers.ResumeCassandraAsync(node);
        }

        return FaultResult.Repaired(Name("cassandra", node));
    }

    public async Task<FaultResult?> KillZooKeeperAsync(Random lane)
    {
        var leader = await environment.Servers.ZooKeeperLeaderAsync();
        var server = lane.Next(2) == 0 && leader >= 0 ? leader : lane.Next(environment.Servers.ZooKeeperServers);
        var target = Name("zookeeper", server) + (server == leader ? " (leader)" : string.Empty);
        await environment.Servers.KillZooKeeperAsync(server);
        await Task.Delay(lane.Next(500, 4000));
        return await RepairAsync(target, ct => environment.Servers.RestartZooKeeperAsync(server, ct));
    }

    internal static async Task<FaultResult?> RepairAsync(string target, Func<CancellationToken, Task> repair)
    {
        using var deadline = new CancellationTokenSource(ReliabilitySettings.RepairTimeout + TimeSpan.FromSeconds(30));
        try
        {
            await repair(deadline.Token);
            return FaultResult.Repaired(target);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            return new FaultResult(target, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    internal static string Name(string system, int index) => system + index.ToString(CultureInfo.InvariantCulture);
}
