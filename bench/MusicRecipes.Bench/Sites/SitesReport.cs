using System.Globalization;

namespace MusicRecipes.Bench;

/// <summary>Collects the sites run's figures and prints them as Markdown tables, with the ratios against each goal of issue 11.</summary>
internal sealed class SitesReport(BenchSettings settings, BenchNetwork network)
{
    public List<EmulationCheckRow> Check { get; } = [];

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"### Emulation check ({network.Description})");
        Console.WriteLine();
        Console.WriteLine("| operation | expected round trips | expected ms | p50 ms | within 20 % |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var row in Check)
        {
            Console.WriteLine(FormattableString.Invariant($"| {row.Operation} | {row.ExpectedRoundTrips} | {row.ExpectedMs:F0} | {row.P50Ms:F1} | {(row.Pass ? "pass" : "FAIL")} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Emulation check: {(Check.All(r => r.Pass) ? "PASS" : "FAIL")} ({Check.Count(r => r.Pass)}/{Check.Count})" + (settings.Quick ? " (quick)" : string.Empty));
    }

    private static string Ratio(double a, double b) =>
        b > 0 && !double.IsNaN(a) && !double.IsNaN(b) ? (a / b).ToString("F2", CultureInfo.InvariantCulture) + "x" : "n/a";
}
