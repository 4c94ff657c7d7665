using System.Collections.Concurrent;

namespace PlacementService;

/// <summary>
/// What the demo's sites share in this one process, standing in for the world around them: the cloud (each site's cores
/// and the ledger of what runs where), the options, and the event feed the live page shows. The MUSIC state itself
/// lives only in the MUSIC backend.
/// </summary>
public sealed class PlacementWorld(ScenarioOptions options)
{
    private readonly ConcurrentDictionary<int, SiteCapacity> _capacities = new();
    private readonly ConcurrentDictionary<int, PlacementSite> _sites = new();
    private readonly ConcurrentDictionary<int, bool> _cutOff = new();

    /// <summary>The demo's knobs.</summary>
    public ScenarioOptions Options { get; } = options;

    /// <summary>What runs where, as the cloud records it (fenced: a stale placement is refused).</summary>
    public PlacementLedger Ledger { get; } = new();

    /// <summary>The latest events, for the live page.</summary>
    public EventFeed Events { get; } = new();

    /// <summary>The running sites, by index.</summary>
    public IReadOnlyList<PlacementSite> Sites => _sites.OrderBy(s => s.Key).Select(s => s.Value).ToArray();

    /// <summary>The cores of <paramref name="site"/> (one instance per site, shared by its front and workers).</summary>
    public SiteCapacity Capacity(int site) => _capacities.GetOrAdd(site, s => new SiteCapacity(Options.SiteCpu[s % Options.SiteCpu.Length]));

    /// <summary>True while <paramref name="site"/> is cut off from the others.</summary>
    public bool IsCutOff(int site) => _cutOff.GetValueOrDefault(site);

    internal void Register(PlacementSite site) => _sites[site.Site] = site;

    internal void Unregister(PlacementSite site) => _sites.TryRemove(site.Site, out _);

    /// <summary>Notes that <paramref name="site"/> was cut off (<paramref name="effect"/>: what the cut really covers).</summary>
    public void RecordCutOff(int site, string effect)
    {
        _cutOff[site] = true;
        Events.Add($"CUT OFF site-{site} ({effect})");
    }

    /// <summary>Notes that the cut of <paramref name="site"/> was healed.</summary>
    public void RecordHealed(int site)
    {
        _cutOff[site] = false;
        Events.Add($"HEALED site-{site}");
    }
}
