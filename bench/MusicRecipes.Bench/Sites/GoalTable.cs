using System.Globalization;

namespace MusicRecipes.Bench;

/// <summary>Prints each goal of issue 11 next to the ratio this run measured, and whether it was met.</summary>
internal static class GoalTable
{
    public static void Print(IReadOnlyList<PlacementResult> placement, IReadOnlyList<SectionResult> sections, IReadOnlyList<OperationResult> handOffs, IReadOnlyList<RequestCount> requests)
    {
        var rows = new List<(string Goal, string Measured, bool? Met)>();
        var music = placement.FirstOrDefault(p => p.Variant == "MUSIC");
        var zooKeeper = placement.FirstOrDefault(p => p.Variant == "ZooKeeper");
        if (music is not null && zooKeeper is not null)
        {
            var perSite = music.SubmitBySite.Zip(zooKeeper.SubmitBySite, (m, z) => z.P50Ms / m.P50Ms).ToArray();
            rows.Add(("placement: MUSIC submit p50 >= 10x lower than ZooKeeper-only's at every site",
                string.Join(", ", perSite.Select((r, site) => FormattableString.Invariant($"site {site}: {r:F1}x"))), perSite.All(r => r >= 10)));
            var capacity = music.CapacityClaimsPerSecond / zooKeeper.CapacityClaimsPerSecond;
            rows.Add(("placement: MUSIC claims/s >= 0.5x ZooKeeper-only's (capacity, from a backlog)",
                FormattableString.Invariant($"{capacity:F2}x ({music.CapacityClaimsPerSecond:F1} vs {zooKeeper.CapacityClaimsPerSecond:F1}/s; steady {music.SteadyClaimsPerSecond:F1} vs {zooKeeper.SteadyClaimsPerSecond:F1}/s)"), capacity >= 0.5));
        }

        foreach (var p in placement)
        {
            var (started, accepted) = p.CutSiteSubmissions;
            rows.Add(($"cut-off: {p.Variant} accepts submissions at the cut site{(p.Variant == "MUSIC" ? string.Empty : " (expected: it cannot)")}",
                started == 0 ? "-" : FormattableString.Invariant($"{100.0 * accepted / started:F0} %"), p.Variant == "MUSIC" ? started > 0 && accepted == started : null));
            rows.Add(($"cut-off: {p.Variant} places every accepted submission exactly once after healing",
                p.Check.Violations.Count == 0 ? (p.CatchUpSeconds is null ? "no violation, but not caught up in time" : "yes") : $"{p.Check.Violations.Count} violation(s)",
                p.Check.Violations.Count == 0 && p.CatchUpSeconds is not null));
        }

        foreach (var keys in new[] { "distinct", "contended" })
        {
            SectionGoal(rows, sections, keys, 20, "ZooKeeper", 1.3);
            SectionGoal(rows, sections, keys, 5, "ZooKeeper", 1.0);
            SectionGoal(rows, sections, keys, 5, "Cassandra LWT", 3.0);
        }

        var musicHandOff = handOffs.FirstOrDefault(h => h.Operation == "hand-off MUSIC/ZooKeeperLockStore");
        var plainHandOff = handOffs.FirstOrDefault(h => h.Operation == "hand-off plain ZooKeeper lock");
        if (musicHandOff is not null && plainHandOff is not null)
        {
            var ratio = musicHandOff.P50Ms / plainHandOff.P50Ms;
            rows.Add(("hand-off: MUSIC <= 1.5x the plain ZooKeeper lock's (p50)",
                FormattableString.Invariant($"{ratio:F2}x ({musicHandOff.P50Ms:F0} vs {plainHandOff.P50Ms:F0} ms)"), ratio <= 1.5));
        }

        if (requests.FirstOrDefault(r => r.Variant == "MUSIC" && r.K == 0) is { } lockOnly)
        {
            rows.Add(("requests: at most 5 ZooKeeper requests per uncontended MUSIC section",
                lockOnly.ZooKeeperPerSection.ToString("F1", CultureInfo.InvariantCulture), lockOnly.ZooKeeperPerSection <= 5.05));
            rows.Add(("writes: at most 2 of them ZooKeeper writes",
                lockOnly.ZooKeeperWritesPerSection.ToString("F1", CultureInfo.InvariantCulture), lockOnly.ZooKeeperWritesPerSection <= 2.05));
        }

        Console.WriteLine();
        Console.WriteLine("### The goals of issue 11, against this run");
        Console.WriteLine();
        Console.WriteLine("| goal | measured | met |");
        Console.WriteLine("|---|---|---|");
        foreach (var (goal, measured, met) in rows)
        {
            Console.WriteLine($"| {goal} | {measured} | {(met is { } m ? (m ? "yes" : "**no**") : "-")} |");
        }
    }

    private static void SectionGoal(List<(string, string, bool?)> rows, IReadOnlyList<SectionResult> sections, string keys, int k, string other, double goal)
    {
        var music = sections.FirstOrDefault(s => s.Variant == "MUSIC" && s.Keys == keys && s.K == k);
        var baseline = sections.FirstOrDefault(s => s.Variant == other && s.Keys == keys && s.K == k);
        if (music is null || baseline is null)
        {
            return;
        }

        var ratio = music.SectionsPerSecond / baseline.SectionsPerSecond;
        rows.Add((FormattableString.Invariant($"sections, {keys} keys, k = {k}: MUSIC >= {goal:F1}x {other}-only throughput"),
            FormattableString.Invariant($"{ratio:F2}x ({music.SectionsPerSecond:F2} vs {baseline.SectionsPerSecond:F2} sections/s)"), ratio >= goal));
    }
}
