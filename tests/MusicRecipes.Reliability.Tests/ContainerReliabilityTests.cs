using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Nemesis;
using MusicRecipes.Reliability.Tests.Run;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Containers.Xunit;
using MusicRecipes.Testing.History;
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
        var run = new ReliabilityRun(settings, output.WriteLine);
        var findings = await run.ExecuteAsync();
        var historyFile = run.WriteHistory();
        var report = findings.Format(findings.Violations.Count == 0 ? null : run.Excerpt(findings.Violations), historyFile);
        output.WriteLine(report);
        Console.WriteLine(report);

        Assert.True(findings.Violations.Count == 0, report);
        Assert.True(findings.RunProblems.Count == 0, $"the run itself failed:\n{report}");
        Assert.True(findings.Faults.Unrepaired.Count == 0, $"a fault was never repaired:\n{report}");

        // A run that did little, or that the partitions never touched, proves nothing.
        var scale = Math.Max(1, settings.Workload.TotalSeconds / ReliabilitySettings.ShortWorkload.TotalSeconds);
        Assert.True(findings.Acknowledged(OperationKinds.CriticalPut) >= 40 * scale, $"too few acknowledged critical puts:\n{report}");
        Assert.True(findings.Acknowledged("mutex-acquire") >= 10 * scale, $"too few mutex sections:\n{report}");
        Assert.True(findings.Queue.Submitted >= 20 * scale && findings.Queue.Completed >= 20 * scale, $"too little queue traffic:\n{report}");
        var faults = findings.Faults.CountByKind();
        Assert.True(faults.Values.Sum() >= 5 * scale, $"too few faults:\n{report}");
        Assert.True(faults[FaultKind.CassandraPartition] >= 1, $"no Cassandra node was partitioned from the others:\n{report}");
        Assert.True(faults[FaultKind.ZooKeeperLeaderIsolation] >= 1, $"the ZooKeeper leader was never isolated:\n{report}");
        Assert.True(faults[FaultKind.SitePartition] >= 1, $"no site was cut from the majority:\n{report}");
        Assert.True(scale < 2 || faults[FaultKind.CassandraKill] + faults[FaultKind.ZooKeeperKill] >= 2, $"too few server crashes:\n{report}");
        Assert.True(findings.LossTiming.HoldsChecked >= 20 * scale, $"too few holds for the loss-timing check:\n{report}");
        Assert.True(findings.Operations.Records.Any(r => r.Outcome != OperationOutcome.Acknowledged), $"no operation was disturbed by the faults:\n{report}");
    }
}
