using System.Collections.Concurrent;

namespace PlacementService;

/// <summary>
/// The cloud's record of what really got placed where — the side effect the work queue protects. It records every
/// placement, so a template placed twice shows up as a duplicate instead of being hidden.
/// </summary>
public sealed class PlacementLedger
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Placement>> _placements = new(StringComparer.Ordinal);
    private int _submitted;
    private int _recovered;
    private int _declined;

    public int Submitted => Volatile.Read(ref _submitted);

    /// <summary>Placements of items a crashed or cut-off worker had claimed.</summary>
    public int Recovered => Volatile.Read(ref _recovered);

    /// <summary>Templates a site gave back because they can never fit there.</summary>
    public int Declined => Volatile.Read(ref _declined);

    public int Placed => _placements.Count;

    public int Duplicates => _placements.Values.Count(p => p.Count > 1);

    public void RecordSubmitted() => Interlocked.Increment(ref _submitted);

    public void RecordDeclined() => Interlocked.Increment(ref _declined);

    public void RecordPlacement(string itemId, string site, string worker, long fence, bool recovered)
    {
        _placements.GetOrAdd(itemId, _ => new ConcurrentQueue<Placement>()).Enqueue(new Placement(site, worker, fence));
        if (recovered)
        {
            Interlocked.Increment(ref _recovered);
        }
    }

    public IReadOnlyDictionary<string, int> PlacedPerSite() =>
        _placements.Values.SelectMany(p => p).GroupBy(p => p.Site).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

    public bool IsPlaced(string itemId) => _placements.ContainsKey(itemId);

    private sealed record Placement(string Site, string Worker, long Fence);
}
