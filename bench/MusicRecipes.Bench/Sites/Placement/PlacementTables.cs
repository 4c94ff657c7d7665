using System.Globalization;

namespace MusicRecipes.Bench;

/// <summary>Prints the placement runs: latencies and rates, then availability and exactly-once across the cut-off.</summary>
internal static class PlacementTables
{
    public static void Print(IReadOnlyList<PlacementResult> results, PlacementSettings settings, int cutSite)
    {
        var sites = results.Count == 0 ? 0 : results[0].SubmitBySite.Count;
        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant(
            $"### Placement workload ({settings.SubmitsPerSecondPerSite}/s offered per site, {settings.WorkersPerSite} worker(s) per site; steady phase {settings.Steady.TotalSeconds:F0} s; backlog {settings.BacklogPerSite} per site)"));
        Console.WriteLine();
        Console.WriteLine("| variant | " + string.Join(" | ", Enumerable.Range(0, sites).Select(s => $"submit p50 / p99 ms, site {s}")) + " | placement p50 / p99 ms | claims/s steady | claims/s from backlog | ZooKeeper requests per claimed item |");
        Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---|", sites)) + "---|---|---|---|");
        foreach (var r in results)
        {
            var submits = string.Join(" | ", r.SubmitBySite.Select(s => FormattableString.Invariant($"{s.P50Ms:F1} / {s.P99Ms:F1} ({s.Count})")));
            var requests = r.ZooKeeperRequestsPerItem is { } perItem ? perItem.ToString("F1", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine(FormattableString.Invariant(
                $"| {r.Variant} | {submits} | {r.Placement.P50Ms:F0} / {r.Placement.P99Ms:F0} ({r.Placement.Placed}) | {r.SteadyClaimsPerSecond:F1} | {r.CapacityClaimsPerSecond:F1} | {requests} |"));
        }

        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"### Site {cutSite} cut off for {settings.CutOff.TotalSeconds:F0} s during the workload (a submission is accepted if acknowledged within {settings.SubmitTimeout.TotalSeconds:F0} s)"));
        Console.WriteLine();
        Console.WriteLine("| variant | accepted at the cut site | accepted at the other sites | caught up after healing | exactly once (checker) | worker errors |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var caughtUp = r.CatchUpSeconds is { } seconds ? seconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "NO (drain timed out)";
            var check = r.Check.Violations.Count == 0
                ? $"yes: {r.Check.Submitted} accepted, {r.Check.Completed} completions, {r.Check.Done} done"
                : $"NO: {r.Check.Violations.Count} violation(s), first: {r.Check.Violations[0]}";
            Console.WriteLine(FormattableString.Invariant(
                $"| {r.Variant} | {Fraction(r.CutSiteSubmissions)} | {Fraction(r.OtherSitesSubmissions)} | {caughtUp} | {check} | {r.WorkerErrors}{(r.FirstWorkerError is null ? string.Empty : " (first: " + r.FirstWorkerError.Replace('|', '/') + ")")} |"));
        }
    }

    private static string Fraction((int Started, int Accepted) submissions) => submissions.Started == 0
        ? "-"
        : FormattableString.Invariant($"{submissions.Accepted}/{submissions.Started} = {100.0 * submissions.Accepted / submissions.Started:F0} %");
}
