namespace PlacementService;

/// <summary>What the live page shows, as <c>GET /api/dashboard</c> returns it.</summary>
public sealed record DashboardSnapshot(IReadOnlyList<SiteView> Sites, int Submitted, int Placed, int Waiting, int Recovered, int Duplicates, IReadOnlyList<DemoEvent> Events)
{
    /// <summary>What <paramref name="world"/> looks like right now.</summary>
    public static DashboardSnapshot Of(PlacementWorld world)
    {
        var perSite = world.Ledger.PlacedPerSite();
        var sites = world.Sites.Select(s => new SiteView(
            $"site-{s.Site}",
            s.Address.ToString(),
            s.Capacity.TotalCpu,
            s.Capacity.TotalCpu - s.Capacity.UsedCpu,
            perSite.GetValueOrDefault($"site-{s.Site}"),
            world.IsCutOff(s.Site),
            s.Workers.Select(w => new WorkerView(w.Name, w.IsKilled ? "crashed" : "working")).ToArray())).ToArray();
        var ledger = world.Ledger;
        return new DashboardSnapshot(sites, ledger.Submitted, ledger.Placed, Math.Max(0, ledger.Submitted - ledger.Placed), ledger.Recovered, ledger.Duplicates, world.Events.Latest());
    }
}

/// <summary>One site on the live page.</summary>
public sealed record SiteView(string Name, string Address, int CpuTotal, int CpuFree, int Placed, bool CutOff, IReadOnlyList<WorkerView> Workers);

/// <summary>One worker process on the live page.</summary>
public sealed record WorkerView(string Name, string State);
