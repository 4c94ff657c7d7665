using MusicRecipes.Storage;

namespace MusicRecipes.InMemory;

/// <summary>
/// One site's copy of the data: last-write-wins by write timestamp, with Cassandra's tie-break (a tombstone wins,
/// then the larger value), so every replica converges whatever order writes arrive in.
/// </summary>
internal sealed class Replica(int site)
{
    private readonly Dictionary<string, StoredValue> _cells = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public int Site { get; } = site;

    /// <summary>Fault: the replica silently discards incoming writes and never acknowledges them.</summary>
    public volatile bool DropWrites;

    /// <summary>Fault: the replica applies and acknowledges incoming writes only after this delay.</summary>
    public TimeSpan WriteDelay;

    public StoredValue? Read(string key)
    {
        lock (_gate)
        {
            return _cells.GetValueOrDefault(key);
        }
    }

    public void Apply(string key, StoredValue write)
    {
        lock (_gate)
        {
            if (!_cells.TryGetValue(key, out var current) || Wins(write, current))
            {
                _cells[key] = write;
            }
        }
    }

    internal static bool Wins(StoredValue candidate, StoredValue current)
    {
        if (candidate.Timestamp != current.Timestamp)
        {
            return candidate.Timestamp > current.Timestamp;
        }

        if (candidate.Value is null || current.Value is null)
        {
            return candidate.Value is null && current.Value is not null;
        }

        return candidate.Value.AsSpan().SequenceCompareTo(current.Value) > 0;
    }

    internal static StoredValue? Newest(IEnumerable<StoredValue?> values)
    {
        StoredValue? newest = null;
        foreach (var value in values)
        {
            if (value is not null && (newest is null || Wins(value, newest)))
            {
                newest = value;
            }
        }

        return newest;
    }
}
