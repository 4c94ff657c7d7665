using System.Globalization;

namespace MusicRecipes.Bench;

/// <summary>Prints the critical-section cases and the within-run ratios of MUSIC against the other variants.</summary>
internal static class SectionTables
{
    public static void Print(IReadOnlyList<SectionResult> sections)
    {
        Console.WriteLine();
        Console.WriteLine("| network | keys | k | variant | sections | sections/s | ops/s | p50 ms | p99 ms | errors | conflicts | counter check |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in sections)
        {
            Console.WriteLine(FormattableString.Invariant($"| {r.Network} | {r.Keys} | {r.K} | {r.Variant} | {r.Sections} | {r.SectionsPerSecond:F1} | {r.OpsPerSecond:F1} | {r.P50Ms:F1} | {r.P99Ms:F1} | {r.Errors} | {r.Conflicts} | {r.Check} |"));
        }

        Console.WriteLine();
        Console.WriteLine("#### Ratios (same run): MUSIC throughput / other throughput; other p50 / MUSIC p50");
        Console.WriteLine();
        Console.WriteLine("| network | keys | k | MUSIC/ZooKeeper thr. | MUSIC/LWT thr. | ZooKeeper p50 / MUSIC p50 | LWT p50 / MUSIC p50 |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var group in sections.GroupBy(r => (r.Network, r.Keys, r.K)))
        {
            var music = group.Single(r => r.Variant == "MUSIC");
            var zk = group.Single(r => r.Variant == "ZooKeeper");
            var lwt = group.Single(r => r.Variant == "Cassandra LWT");
            Console.WriteLine(FormattableString.Invariant(
                $"| {group.Key.Network} | {group.Key.Keys} | {group.Key.K} | {Ratio(music.SectionsPerSecond, zk.SectionsPerSecond)} | {Ratio(music.SectionsPerSecond, lwt.SectionsPerSecond)} | {Ratio(zk.P50Ms, music.P50Ms)} | {Ratio(lwt.P50Ms, music.P50Ms)} |"));
        }
    }

    /// <summary>a / b as "1.23x", or "n/a" when it cannot be computed.</summary>
    public static string Ratio(double a, double b) =>
        b > 0 && !double.IsNaN(a) && !double.IsNaN(b) ? (a / b).ToString("F2", CultureInfo.InvariantCulture) + "x" : "n/a";
}
