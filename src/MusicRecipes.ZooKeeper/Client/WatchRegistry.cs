namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The client's one-shot watches by path. A triggered watch is removed before it is delivered. The registry
/// survives reconnects: after a reconnect the client sends every path in it to the new server (SetWatches), and
/// the server fires at once the watches whose node changed while we were away.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _exist = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _child = new(StringComparer.Ordinal);

    public void Add(WatchKind kind, string path, Action<WatchedEvent> watcher)
    {
        lock (_gate)
        {
            var table = TableOf(kind);
            if (!table.TryGetValue(path, out var set))
            {
                set = [];
                table[path] = set;
            }

            set.Add(watcher);
        }
    }

    /// <summary>Removes and returns the watchers an event fires (ZKWatchManager.materialize), each once.</summary>
    public IReadOnlyCollection<Action<WatchedEvent>> Trigger(WatchEventType type, string path)
    {
        var fired = new HashSet<Action<WatchedEvent>>();
        lock (_gate)
        {
            switch (type)
            {
                case WatchEventType.NodeCreated:
                case WatchEventType.NodeDataChanged:
                    Take(_data, path, fired);
                    Take(_exist, path, fired);
                    break;
                case WatchEventType.NodeDeleted:
                    Take(_data, path, fired);
                    Take(_exist, path, fired);
                    Take(_child, path, fired);
                    break;
                case WatchEventType.NodeChildrenChanged:
                    Take(_child, path, fired);
                    break;
                default:
                    break;
            }
        }

        return fired;
    }

    /// <summary>Removes every watch (session expired or client closed) and returns them with their paths.</summary>
    public IReadOnlyList<(string Path, Action<WatchedEvent> Watcher)> DrainAll()
    {
        var all = new List<(string, Action<WatchedEvent>)>();
        lock (_gate)
        {
            foreach (var table in new[] { _data, _exist, _child })
            {
                foreach (var (path, set) in table)
                {
                    all.AddRange(set.Select(w => (path, w)));
                }

                table.Clear();
            }
        }

        return all;
    }

    /// <summary>The watched paths of each kind, for SetWatches.</summary>
    public (IReadOnlyList<string> Data, IReadOnlyList<string> Exist, IReadOnlyList<string> Child) Snapshot()
    {
        lock (_gate)
        {
            return ([.. _data.Keys], [.. _exist.Keys], [.. _child.Keys]);
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _data.Values.Sum(s => s.Count) + _exist.Values.Sum(s => s.Count) + _child.Values.Sum(s => s.Count);
            }
        }
    }

    private static void Take(Dictionary<string, HashSet<Action<WatchedEvent>>> table, string path, HashSet<Action<WatchedEvent>> into)
    {
        if (table.Remove(path, out var set))
        {
            into.UnionWith(set);
        }
    }

    private Dictionary<string, HashSet<Action<WatchedEvent>>> TableOf(WatchKind kind) => kind switch
    {
        WatchKind.Data => _data,
        WatchKind.Exist => _exist,
        _ => _child,
    };
}
