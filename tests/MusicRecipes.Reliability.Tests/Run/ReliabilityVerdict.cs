using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>
/// One reliability run and what every run must show, whatever its servers: no violation, no failure of the run itself,
/// every fault repaired, and enough work and enough faults to prove something. The caller adds the fault kinds its
/// nemesis must have produced.
/// </summary>
internal sealed record ReliabilityVerdict(ReliabilityFindings Findings, string Report, double Scale)
{
    public static async Task<ReliabilityVerdict> RunAsync(ReliabilitySettings settings, Action<string> log)
    {
        var run = new ReliabilityRun(settings, log);
        var findings = await run.ExecuteAsync();
        var historyFile = run.WriteHistory();
        var report = findings.Format(findings.Violations.Count == 0 ? null : run.Excerpt(findings.Violations), historyFile);
        log(report);
        Console.WriteLine(report);

        Assert.True(findings.Violations.Count == 0, report);
        Assert.True(findings.RunProblems.Count == 0, $"the run itself failed:\n{report}");
        Assert.True(findings.Faults.Unrepaired.Count == 0, $"a fault was never repaired (a server that did not come back):\n{report}");

        // A run that did little, or that the nemesis barely touched, proves nothing.
        var scale = Math.Max(1, settings.Workload.TotalSeconds / ReliabilitySettings.ShortWorkload.TotalSeconds);
        // The floors say the run did something, not how fast: a short container run whose nemesis drew two Cassandra
        // partitions, a site partition and a leader isolation in 30 s acknowledged 33 critical puts (seed 1827678971),
        // which failed CI at a floor of 40 with no violation.
        Assert.True(findings.Acknowledged(OperationKinds.CriticalPut) >= 20 * scale, $"too few acknowledged critical puts:\n{report}");
        Assert.True(findings.Acknowledged("mutex-acquire") >= 10 * scale, $"too few mutex sections:\n{report}");
        Assert.True(findings.Queue.Submitted >= 20 * scale && findings.Queue.Completed >= 20 * scale, $"too little queue traffic:\n{report}");
        Assert.True(findings.Faults.CountByKind().Values.Sum() >= 5 * scale, $"too few faults:\n{report}");
        Assert.True(findings.LossTiming.HoldsChecked >= 20 * scale, $"too few holds for the loss-timing check:\n{report}");
        Assert.True(findings.Operations.Records.Any(r => r.Outcome != OperationOutcome.Acknowledged), $"no operation was disturbed by the faults:\n{report}");
        return new ReliabilityVerdict(findings, report, scale);
    }
}
