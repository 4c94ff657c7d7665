using MusicRecipes.Testing;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Nemesis;
using MusicRecipes.Reliability.Tests.Run;
using MusicRecipes.Testing.History;
using Xunit.Abstractions;

namespace MusicRecipes.Reliability.Tests;

/// <summary>
/// The reliability run of issue 7 against a real 3-node Cassandra cluster and a real 3-server ZooKeeper ensemble
/// (docs/reliability.md). Short by default (CI); <c>MUSIC_RELIABILITY_SECONDS=600</c> makes it a long run and
/// <c>MUSIC_RELIABILITY_SEED</c> replays a schedule.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
[Collection(ReliabilityRuns.Name)]
public sealed class ReliabilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Counters_mutex_sections_loss_timing_and_the_work_queue_stay_correct_under_crashes_pauses_expiries_and_partitions()
    {
        var settings = ReliabilitySettings.FromEnvironment();
        var run = new ReliabilityRun(settings, output.WriteLine);
        var findings = await run.ExecuteAsync();
        var historyFile = run.WriteHistory();
        var report = findings.Format(findings.Violations.Count == 0 ? null : run.Excerpt(findings.Violations), historyFile);
        output.WriteLine(report);
        Console.WriteLine(report);

        Assert.True(findings.Violations.Count == 0, report);
        Assert.True(findings.RunProblems.Count == 0, $"the run itself failed:\n{report}");
        Assert.True(findings.Faults.Unrepaired.Count == 0, $"a fault was never repaired (a server that did not come back):\n{report}");

        // A run that did little, or that the nemesis barely touched, proves nothing.
        var scale = Math.Max(1, settings.Workload.TotalSeconds / ReliabilitySettings.ShortWorkload.TotalSeconds);
        Assert.True(findings.Acknowledged(OperationKinds.CriticalPut) >= 40 * scale, $"too few acknowledged critical puts:\n{report}");
        Assert.True(findings.Acknowledged("mutex-acquire") >= 10 * scale, $"too few mutex sections:\n{report}");
        Assert.True(findings.Acknowledged("acquire") >= 10 * scale, $"too few raw critical sections:\n{report}");
        Assert.True(findings.Queue.Submitted >= 20 * scale && findings.Queue.Completed >= 20 * scale, $"too little queue traffic:\n{report}");
        var faults = findings.Faults.CountByKind();
        Assert.True(faults.Values.Sum() >= 5 * scale, $"too few faults:\n{report}");
        Assert.True(faults[FaultKind.CassandraKill] >= 1, $"no Cassandra node was crashed:\n{report}");
        Assert.True(faults[FaultKind.CassandraKill] + faults[FaultKind.CassandraPause] + faults[FaultKind.ZooKeeperKill] >= 2 * scale, $"too few server faults:\n{report}");
        Assert.True(faults[FaultKind.SessionExpiry] + faults[FaultKind.SiteCut] >= 2, $"no session faults:\n{report}");
        Assert.True(findings.Faults.LongPauses >= scale, $"too few client processes paused beyond their session timeout:\n{report}");
        Assert.True(scale < 2 || faults[FaultKind.ClientKill] >= 1, $"no client process was killed:\n{report}");
        Assert.True(findings.LossTiming.HoldsChecked >= 20 * scale, $"too few holds for the loss-timing check:\n{report}");
        Assert.True(findings.Operations.Records.Any(r => r.Outcome != OperationOutcome.Acknowledged), $"no operation was disturbed by the faults:\n{report}");
    }
}
