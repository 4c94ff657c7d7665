namespace MusicRecipes.Bench;

/// <summary>The figures of one variant's placement run.</summary>
internal sealed record PlacementResult
{
    public required string Variant { get; init; }

    /// <summary>Per site: acknowledged submissions of the steady phase, their p50 and p99 latency.</summary>
    public required IReadOnlyList<(int Count, double P50Ms, double P99Ms)> SubmitBySite { get; init; }

    /// <summary>Submission to first acknowledged completion, for the steady phase's templates: p50, p99, and how many were placed.</summary>
    public required (int Placed, double P50Ms, double P99Ms) Placement { get; init; }

    /// <summary>Completions per second during the steady phase (at most the offered rate).</summary>
    public required double SteadyClaimsPerSecond { get; init; }

    /// <summary>Completions per second while the workers cleared the backlog: their capacity.</summary>
    public required double CapacityClaimsPerSecond { get; init; }

    public required int CutSite { get; init; }

    /// <summary>During the cut-off: submissions the cut site started, and how many were accepted.</summary>
    public required (int Started, int Accepted) CutSiteSubmissions { get; init; }

    /// <summary>During the cut-off: the same for the other sites together.</summary>
    public required (int Started, int Accepted) OtherSitesSubmissions { get; init; }

    /// <summary>Seconds from healing until every accepted submission was completed, or null if the drain timed out.</summary>
    public required double? CatchUpSeconds { get; init; }

    /// <summary>The work-queue checker's verdict over the whole run (every accepted submission placed exactly once).</summary>
    public required Testing.History.WorkQueueReport Check { get; init; }

    /// <summary>ZooKeeper requests the servers received while the backlog was cleared, per item (pings included; null where ZooKeeper is not used).</summary>
    public required double? ZooKeeperRequestsPerItem { get; init; }

    public required int WorkerErrors { get; init; }

    public string? FirstWorkerError { get; init; }
}
