using System.Globalization;

namespace MusicRecipes.Bench;

/// <summary>Collects one run's figures and prints them as Markdown tables, with the ratios computed within the run.</summary>
internal sealed class RealBenchReport(BenchSettings settings)
{
    public Dictionary<string, string> Networks { get; } = new(StringComparer.Ordinal);

    public List<SectionResult> Sections { get; } = [];

    public List<OperationResult> Operations { get; } = [];

    public List<RequestCount> Requests { get; } = [];

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("### ZooKeeper requests per uncontended section (counted on the servers; MUSIC adds 2k Cassandra requests)");
        Console.WriteLine();
        Console.WriteLine("| variant | k=0 | k=1 | k=5 |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var variant in Requests.GroupBy(r => r.Variant))
        {
            Console.WriteLine($"| {variant.Key} | " + string.Join(" | ", variant.OrderBy(r => r.K).Select(r => r.PerSection.ToString("F1", CultureInfo.InvariantCulture))) + " |");
        }

        Console.WriteLine();
        Console.WriteLine("### Critical sections of k read-modify-writes (" + settings.Clients.ToString(CultureInfo.InvariantCulture) + " clients)");
        foreach (var (name, description) in Networks)
        {
            Console.WriteLine($"* {name}: {description}");
        }

        Console.WriteLine();
        Console.WriteLine("| network | keys | k | variant | sections | sections/s | ops/s | p50 ms | p99 ms | errors | conflicts | counter check |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in Sections)
        {
            Console.WriteLine(FormattableString.Invariant($"| {r.Network} | {r.Keys} | {r.K} | {r.Variant} | {r.Sections} | {r.SectionsPerSecond:F1} | {r.OpsPerSecond:F1} | {r.P50Ms:F1} | {r.P99Ms:F1} | {r.Errors} | {r.Conflicts} | {r.Check} |"));
        }

        Console.WriteLine();
        Console.WriteLine("### Ratios (same run): MUSIC throughput / other throughput; other p50 / MUSIC p50");
        Console.WriteLine();
        Console.WriteLine("| network | keys | k | MUSIC/ZooKeeper thr. | MUSIC/LWT thr. | ZooKeeper p50 / MUSIC p50 | LWT p50 / MUSIC p50 |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var group in Sections.GroupBy(r => (r.Network, r.Keys, r.K)))
        {
            var music = group.Single(r => r.Variant == "MUSIC");
            var zk = group.Single(r => r.Variant == "ZooKeeper");
            var lwt = group.Single(r => r.Variant == "Cassandra LWT");
            Console.WriteLine(FormattableString.Invariant(
                $"| {group.Key.Network} | {group.Key.Keys} | {group.Key.K} | {Ratio(music.SectionsPerSecond, zk.SectionsPerSecond)} | {Ratio(music.SectionsPerSecond, lwt.SectionsPerSecond)} | {Ratio(zk.P50Ms, music.P50Ms)} | {Ratio(lwt.P50Ms, music.P50Ms)} |"));
        }

        Console.WriteLine();
        Console.WriteLine("### Single operations and lock hand-off");
        Console.WriteLine();
        Console.WriteLine("| network | operation | count | ops/s | p50 ms | p99 ms | errors |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var o in Operations)
        {
            var perSecond = o.Operation.StartsWith("hand-off", StringComparison.Ordinal) ? "-" : o.PerSecond.ToString("F1", CultureInfo.InvariantCulture);
            Console.WriteLine(FormattableString.Invariant($"| {o.Network} | {o.Operation} | {o.Count} | {perSecond} | {o.P50Ms:F2} | {o.P99Ms:F2} | {o.Errors} |"));
        }

        Console.WriteLine();
        Console.WriteLine("### Ratios (same run): critical / eventual p50 latency");
        Console.WriteLine();
        foreach (var network in Networks.Keys)
        {
            var ops = Operations.Where(o => o.Network == network).ToDictionary(o => o.Operation, StringComparer.Ordinal);
            Console.WriteLine(FormattableString.Invariant(
                $"* {network}: put {Ratio(ops["critical put"].P50Ms, ops["eventual put"].P50Ms)} slower, get {Ratio(ops["critical get"].P50Ms, ops["eventual get"].P50Ms)} slower; eventual put throughput {Ratio(ops["eventual put"].PerSecond, ops["critical put"].PerSecond)} of critical"));
        }
    }

    private static string Ratio(double a, double b) =>
        b > 0 && !double.IsNaN(a) && !double.IsNaN(b) ? (a / b).ToString("F2", CultureInfo.InvariantCulture) + "x" : "n/a";
}
