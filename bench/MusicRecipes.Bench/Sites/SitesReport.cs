using System.Globalization;

namespace MusicRecipes.Bench;

/// <summary>Collects the sites run's figures and prints them as Markdown tables, then the ratios against each goal of issue 11.</summary>
internal sealed class SitesReport(BenchSettings settings, BenchNetwork network, int leaderSite)
{
    public List<EmulationCheckRow> Check { get; } = [];

    public List<(string When, string Load)> Loads { get; } = [];

    public List<RequestCount> Requests { get; } = [];

    public List<SectionResult> Sections { get; } = [];

    public List<OperationResult> HandOffs { get; } = [];

    public List<PlacementResult> Placement { get; } = [];

    public void Print(PlacementSettings placement, int cutSite)
    {
        Console.WriteLine();
        Console.WriteLine($"### The emulation: {network.Description}; ZooKeeper leader at site {leaderSite}");
        Console.WriteLine();
        Console.WriteLine("| operation | expected round trips | expected ms | p50 ms | within 20 % |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var row in Check)
        {
            Console.WriteLine(FormattableString.Invariant($"| {row.Operation} | {row.ExpectedRoundTrips} | {row.ExpectedMs:F0} | {row.P50Ms:F1} | {(row.Pass ? "pass" : "FAIL")} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Emulation check: {(Check.All(r => r.Pass) ? "PASS" : "FAIL")} ({Check.Count(r => r.Pass)}/{Check.Count} within 20 %)");
        Console.WriteLine();
        Console.WriteLine("Machine load during the run (" + (settings.Quick ? "quick" : "full") + "):");
        foreach (var (when, load) in Loads)
        {
            Console.WriteLine($"* {when}: {load}");
        }

        RequestCountTable.Print(Requests);
        Console.WriteLine();
        Console.WriteLine($"### Critical sections of k read-modify-writes ({settings.Clients.ToString(CultureInfo.InvariantCulture)} clients, spread over the sites; {settings.CaseDuration.TotalSeconds:F1} s per case)");
        SectionTables.Print(Sections);
        Console.WriteLine();
        Console.WriteLine("### Lock hand-off (holder at one site, waiter at another; from the start of the release to the waiter's acquire)");
        Console.WriteLine();
        Console.WriteLine("| lock | hand-offs | p50 ms | p99 ms | errors |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var h in HandOffs)
        {
            Console.WriteLine(FormattableString.Invariant($"| {h.Operation["hand-off ".Length..]} | {h.Count} | {h.P50Ms:F1} | {h.P99Ms:F1} | {h.Errors} |"));
        }

        PlacementTables.Print(Placement, placement, cutSite);
        GoalTable.Print(Placement, Sections, HandOffs, Requests);
    }
}
