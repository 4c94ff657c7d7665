using MusicRecipes.Testing;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Nemesis;
using MusicRecipes.Reliability.Tests.Run;
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
        var (findings, report, scale) = await ReliabilityVerdict.RunAsync(settings, output.WriteLine);

        Assert.True(findings.Acknowledged("acquire") >= 10 * scale, $"too few raw critical sections:\n{report}");
        var faults = findings.Faults.CountByKind();
        Assert.True(faults[FaultKind.CassandraKill] >= 1, $"no Cassandra node was crashed:\n{report}");
        Assert.True(faults[FaultKind.CassandraKill] + faults[FaultKind.CassandraPause] + faults[FaultKind.ZooKeeperKill] >= 2 * scale, $"too few server faults:\n{report}");
        Assert.True(faults[FaultKind.SessionExpiry] + faults[FaultKind.SiteCut] >= 2, $"no session faults:\n{report}");
        Assert.True(findings.Faults.LongPauses >= scale, $"too few client processes paused beyond their session timeout:\n{report}");
        Assert.True(scale < 2 || faults[FaultKind.ClientKill] >= 1, $"no client process was killed:\n{report}");
    }
}
