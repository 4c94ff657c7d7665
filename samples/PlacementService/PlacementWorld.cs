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

    public ScenarioOptions Options { get; } = options;

    public PlacementLedger Ledger { get; } = new();

    public EventFeed Events { get; } = new();

    public IReadOnlyList<PlacementSite> Sites => _sites.OrderBy(s => s.Key).Select(s => s.Value).ToArray();

    public SiteCapacity Capacity(int site) => _capacities.GetOrAdd(site, s => new SiteCapacity(Options.SiteCpu[s % Options.SiteCpu.Length]));

    public bool IsCutOff(int site) => _cutOff.GetValueOrDefault(site);

    internal void Register(PlacementSite site) => _sites[site.Site] = site;

    internal void Unregister(PlacementSite site) => _sites.TryRemove(site.Site, out _);

    public void RecordCutOff(int site, string effect)
    {
        _cutOff[site] = true;
        Events.Add($"CUT OFF site-{site} ({effect})");
    }

    public void RecordHealed(int site)
    {
        _cutOff[site] = false;
        Events.Add($"HEALED site-{site}");
    }
}
