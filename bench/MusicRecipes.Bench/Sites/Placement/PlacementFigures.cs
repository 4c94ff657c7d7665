using System.Diagnostics;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Bench;

/// <summary>Turns a placement run's log into its figures.</summary>
internal static class PlacementFigures
{
    public static PlacementResult From(
        string variant, PlacementLog log, int sites, int cutSite, (long Start, long End) steady, double? catchUpSeconds,
        double capacity, double? zooKeeperRequestsPerItem, WorkQueueReport check, PlacementWorkers workers)
    {
        var submissions = log.Submissions;
        var steadyAccepted = submissions.Where(s => s.Phase == "steady" && s.Outcome == OperationOutcome.Acknowledged).ToList();
        var bySite = Enumerable.Range(0, sites).Select(site =>
        {
            var latencies = Recorder(steadyAccepted.Where(s => s.Site == site).Select(s => s.LatencyMs));
            return (latencies.Count, latencies.Percentile(50), latencies.Percentile(99));
        }).ToArray();

        var placement = Recorder(steadyAccepted
            .Select(s => log.CompletedAt(s.Payload) is { } done ? Stopwatch.GetElapsedTime(s.StartedAt, done).TotalMilliseconds : (double?)null)
            .OfType<double>());
        var steadyCompletions = log.History.Claims.Count(c => c.Completion == OperationOutcome.Acknowledged && c.CompletedAt >= steady.Start && c.CompletedAt <= steady.End);
        var cut = submissions.Where(s => s.Phase == "cut").ToList();
        (int, int) Acceptance(IEnumerable<PlacementSubmission> started) =>
            (started.Count(), started.Count(s => s.Outcome == OperationOutcome.Acknowledged));

        return new PlacementResult
        {
            Variant = variant,
            SubmitBySite = bySite,
            Placement = (placement.Count, placement.Percentile(50), placement.Percentile(99)),
            SteadyClaimsPerSecond = steadyCompletions / Stopwatch.GetElapsedTime(steady.Start, steady.End).TotalSeconds,
            CapacityClaimsPerSecond = capacity,
            CutSite = cutSite,
            CutSiteSubmissions = Acceptance(cut.Where(s => s.Site == cutSite)),
            OtherSitesSubmissions = Acceptance(cut.Where(s => s.Site != cutSite)),
            CatchUpSeconds = catchUpSeconds,
            Check = check,
            ZooKeeperRequestsPerItem = zooKeeperRequestsPerItem,
            WorkerErrors = workers.Errors,
            FirstWorkerError = workers.FirstError,
        };
    }

    private static LatencyRecorder Recorder(IEnumerable<double> millis)
    {
        var recorder = new LatencyRecorder();
        foreach (var ms in millis)
        {
            recorder.Add(TimeSpan.FromMilliseconds(ms));
        }

        return recorder;
    }
}
