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
        RequestCountTable.Print(Requests);
        Console.WriteLine();
        Console.WriteLine("### Critical sections of k read-modify-writes (" + settings.Clients.ToString(CultureInfo.InvariantCulture) + " clients)");
        foreach (var (name, description) in Networks)
        {
            Console.WriteLine($"* {name}: {description}");
        }

        SectionTables.Print(Sections);

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
                $"* {network}: put {SectionTables.Ratio(ops["critical put"].P50Ms, ops["eventual put"].P50Ms)} slower, get {SectionTables.Ratio(ops["critical get"].P50Ms, ops["eventual get"].P50Ms)} slower; eventual put throughput {SectionTables.Ratio(ops["eventual put"].PerSecond, ops["critical put"].PerSecond)} of critical"));
        }
    }
}
