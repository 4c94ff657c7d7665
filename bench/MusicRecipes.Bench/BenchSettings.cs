namespace MusicRecipes.Bench;

/// <summary>
/// What one run measures and how long each measurement may take. Every measurement is bounded both by a duration
/// and by a count, so a slow backend makes a run noisier, never endless.
/// </summary>
internal sealed record BenchSettings
{
    public required bool Quick { get; init; }

    /// <summary>Concurrent clients per variant (each its own lock-service session); at least 2, as the hand-off needs two.</summary>
    public required int Clients { get; init; }

    /// <summary>Operations per critical section.</summary>
    public required IReadOnlyList<int> SectionSizes { get; init; }

    /// <summary>How long clients keep starting sections in one case; a section started before the end completes.</summary>
    public required TimeSpan CaseDuration { get; init; }

    /// <summary>Upper bound of sections per client per case.</summary>
    public required int MaxSectionsPerClient { get; init; }

    /// <summary>Sites mode: the delay of every link between sites in each direction (half the round trip).</summary>
    public required TimeSpan OneWay { get; init; }

    /// <summary>Sites mode: clients (and placement workers) per site.</summary>
    public required int ClientsPerSite { get; init; }

    /// <summary>Sites mode: how long one site is cut off during the placement workload.</summary>
    public required TimeSpan CutOff { get; init; }

    /// <summary>Sites mode: run the emulation check and the placement workload only (to iterate on the work queue).</summary>
    public required bool PlacementOnly { get; init; }

    /// <summary>Hand-offs measured per lock kind.</summary>
    public required int HandOffs { get; init; }

    /// <summary>In-memory round-trip bench: simulated inter-site latency and iterations.</summary>
    public required TimeSpan InMemoryLatency { get; init; }

    public required int InMemoryIterations { get; init; }

    public static BenchSettings Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        return new BenchSettings
        {
            Quick = quick,
            Clients = Math.Max(2, Arg(args, "--clients", quick ? 2 : 4)),
            SectionSizes = [1, 5, 20],
            CaseDuration = TimeSpan.FromMilliseconds(Arg(args, "--case-ms", quick ? 300 : 5000)),
            MaxSectionsPerClient = quick ? 1 : 5000,
            OneWay = TimeSpan.FromMilliseconds(Arg(args, "--one-way-ms", 20)),
            ClientsPerSite = Math.Max(1, Arg(args, "--clients-per-site", quick ? 1 : 2)),
            CutOff = TimeSpan.FromSeconds(Arg(args, "--cut-seconds", 10)),
            PlacementOnly = args.Contains("--placement-only"),
            HandOffs = Arg(args, "--handoffs", quick ? 2 : 20),
            InMemoryLatency = TimeSpan.FromMilliseconds(Arg(args, "--latency-ms", 20)),
            InMemoryIterations = Arg(args, "--iterations", quick ? 2 : 40),
        };
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) && value >= 0 ? value : fallback;
    }
}
