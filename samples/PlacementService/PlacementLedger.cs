using System.Collections.Concurrent;

namespace PlacementService;

/// <summary>
/// The cloud's record of what really runs where — the side effect the work queue protects. Like any system that
/// takes MUSIC fencing tokens (rule 6 of docs/design.md), it refuses a placement carrying an older fencing token than one
/// it has seen. A placement with a newer token of a template that already runs is accepted but counted as a
/// duplicate: that is the measure the scenario reports, and it must stay 0.
/// </summary>
public sealed class PlacementLedger
{
    private readonly ConcurrentDictionary<string, Placement> _placements = new(StringComparer.Ordinal);
    private int _submitted;
    private int _recovered;
    private int _declined;
    private int _refused;
    private int _duplicates;

    public int Submitted => Volatile.Read(ref _submitted);

    /// <summary>Placements of items a crashed or cut-off worker had claimed.</summary>
    public int Recovered => Volatile.Read(ref _recovered);

    /// <summary>Templates a site gave back because they can never fit there.</summary>
    public int Declined => Volatile.Read(ref _declined);

    /// <summary>Placement requests refused because the template already ran or the token was stale.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public int Placed => _placements.Count;

    /// <summary>Templates that ended up running twice (must be 0).</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    public void RecordSubmitted() => Interlocked.Increment(ref _submitted);

    public void RecordDeclined() => Interlocked.Increment(ref _declined);

    /// <summary>
    /// Places the template; returns false (refused) when a placement with a newer fencing token exists, which means
    /// the caller's claim was superseded. Placing a template that already runs under an older token is a duplicate.
    /// </summary>
    public bool TryPlace(string itemId, string site, string worker, long fence, bool recovered)
    {
        var placement = new Placement(site, worker, fence);
        if (_placements.TryAdd(itemId, placement))
        {
            if (recovered)
            {
                Interlocked.Increment(ref _recovered);
            }

            return true;
        }

        var existing = _placements[itemId];
        if (existing == placement)
        {
            return true;
        }

        if (existing.Fence >= fence)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }

        Interlocked.Increment(ref _duplicates);
        _placements[itemId] = placement;
        return true;
    }

    /// <summary>Counts an item whose placement a recovering worker found already running and adopted.</summary>
    public void RecordAdopted() => Interlocked.Increment(ref _recovered);

    public IReadOnlyDictionary<string, int> PlacedPerSite() =>
        _placements.Values.GroupBy(p => p.Site).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

    public bool IsPlaced(string itemId) => _placements.ContainsKey(itemId);

    private sealed record Placement(string Site, string Worker, long Fence);
}
