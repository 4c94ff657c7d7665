namespace MusicRecipes.ZooKeeper;

/// <summary>
/// A watch to add once its request is answered. It is added by the reader loop before the reply completes the
/// caller's task, so a notification (which the server sends after the reply) always finds it.
/// </summary>
internal sealed record WatchRegistration(WatchKind Kind, string ClientPath, Action<WatchedEvent> Watcher)
{
    /// <summary>Adds the watch if the reply allows: data and child watches on success; exists on success or NoNode.</summary>
    public void Apply(WatchRegistry registry, KeeperErrorCode error)
    {
        if (error == KeeperErrorCode.Ok)
        {
            registry.Add(Kind == WatchKind.Exist ? WatchKind.Data : Kind, ClientPath, Watcher);
        }
        else if (error == KeeperErrorCode.NoNode && Kind == WatchKind.Exist)
        {
            registry.Add(WatchKind.Exist, ClientPath, Watcher);
        }
    }
}
