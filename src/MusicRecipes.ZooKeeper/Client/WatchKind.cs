namespace MusicRecipes.ZooKeeper;

/// <summary>The three watch tables of a ZooKeeper client (ZKWatchManager): data, exists (on a missing node) and child watches.</summary>
internal enum WatchKind
{
    Data,
    Exist,
    Child,
}
