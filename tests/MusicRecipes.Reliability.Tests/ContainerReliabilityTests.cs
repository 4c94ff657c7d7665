using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Nemesis;
using MusicRecipes.Reliability.Tests.Run;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Containers.Xunit;
using Xunit.Abstractions;

namespace MusicRecipes.Reliability.Tests;

/// <summary>
/// The reliability run with the servers in Docker containers (docs/reliability.md), where the nemesis also partitions
/// servers from each other: a Cassandra node cut from the other two, the ZooKeeper leader isolated, a minority site cut
/// from the majority with its clients. Same workloads, same checkers, same bar: no violation. Skipped, with the reason,
/// where Docker or the images are missing. <c>MUSIC_RELIABILITY_SECONDS</c> and <c>MUSIC_RELIABILITY_SEED</c> work as
/// for the process run.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
[Collection(ReliabilityRuns.Name)]
public sealed class ContainerReliabilityTests(ITestOutputHelper output)
{
    [DockerFact]
    public async Task Counters_mutex_sections_loss_timing_and_the_work_queue_stay_correct_under_server_to_server_partitions()
    {
        var settings = ReliabilitySettings.FromEnvironment() with { Backend = ReliabilityBackend.Containers };
        var (findings, report, scale) = await ReliabilityVerdict.RunAsync(settings, output.WriteLine);

        // The partitions between servers are what this run is for.
        var faults = findings.Faults.CountByKind();
        Assert.True(faults[FaultKind.CassandraPartition] >= 1, $"no Cassandra node was partitioned from the others:\n{report}");
        Assert.True(faults[FaultKind.ZooKeeperLeaderIsolation] >= 1, $"the ZooKeeper leader was never isolated:\n{report}");
        Assert.True(faults[FaultKind.SitePartition] >= 1, $"no site was cut from the majority:\n{report}");
        Assert.True(scale < 2 || faults[FaultKind.CassandraKill] + faults[FaultKind.ZooKeeperKill] >= 2, $"too few server crashes:\n{report}");
    }
}
