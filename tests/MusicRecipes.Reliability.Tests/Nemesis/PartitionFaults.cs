using MusicRecipes.Reliability.Tests.Harness;

namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>
/// Partitions between servers, which only the containers kit can make (<see cref="IServerPartitions"/>): a Cassandra node
/// cut from the other two for 2-8 s (long enough for gossip to convict, so QUORUM through it turns from timeouts to
/// unavailable); the ZooKeeper leader cut from its followers for 2-8 s (they elect another leader; it stops serving);
/// a minority site cut from the majority for 2-9 s, servers and clients together (<see cref="SiteLinks.Partition"/>).
/// Each is healed before it returns.
/// </summary>
internal sealed class PartitionFaults(ReliabilityEnvironment environment, IServerPartitions partitions)
{
    public Task<FaultResult?> IsolateCassandraAsync(Random lane)
    {
        var node = lane.Next(1, environment.Servers.CassandraNodes + 1);
        return HoldAsync(ServerFaults.Name("cassandra", node), () => partitions.IsolateCassandraAsync(node), partitions.HealCassandraAsync, lane.Next(2000, 8000));
    }

    public async Task<FaultResult?> IsolateZooKeeperLeaderAsync(Random lane)
    {
        var leader = await environment.Servers.ZooKeeperLeaderAsync();
        if (leader < 0)
        {
            // Between leaders: nothing to isolate now.
            return null;
        }

        return await HoldAsync(ServerFaults.Name("zookeeper", leader) + " (leader)", () => partitions.IsolateZooKeeperAsync(leader), partitions.HealZooKeeperAsync, lane.Next(2000, 8000));
    }

    public Task<FaultResult?> CutSiteAsync(Random lane)
    {
        var site = lane.Next(ReliabilitySettings.Sites);
        return HoldAsync(
            ReliabilityEnvironment.DataCenterOf(site),
            async () =>
            {
                await partitions.IsolateCassandraAsync(site + 1);
                await partitions.IsolateZooKeeperAsync(site);
                environment.Links.Partition(site);
            },
            async () =>
            {
                await partitions.HealCassandraAsync();
                await partitions.HealZooKeeperAsync();
            },
            lane.Next(2000, 9000));
    }

    /// <summary>Cuts, holds the cut, heals; a heal that fails is reported as unrepaired (the run then fails).</summary>
    private async Task<FaultResult?> HoldAsync(string target, Func<Task> cut, Func<Task> heal, int holdMs)
    {
        try
        {
            await cut();
            await Task.Delay(holdMs);
        }
        finally
        {
            environment.Links.EndPartition();
        }

        try
        {
            await heal();
            return FaultResult.Repaired(target);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or Docker.DotNet.DockerApiException)
        {
            return new FaultResult(target, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
