using System.Collections.Concurrent;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The ids of the last tickets this store removed itself, so that finding one of them missing later is not
/// mistaken for a forced release. Bounded: the oldest ids are forgotten first.
/// </summary>
internal sealed class RecentlyRemoved(int capacity)
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Add(string id)
    {
        if (!_ids.TryAdd(id, 0))
        {
            return;
        }

        _order.Enqueue(id);
        while (_order.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _ids.TryRemove(oldest, out _);
        }
    }

    public bool Contains(string id) => _ids.ContainsKey(id);
}
