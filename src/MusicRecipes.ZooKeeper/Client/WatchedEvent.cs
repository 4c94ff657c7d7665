namespace MusicRecipes.ZooKeeper;

/// <summary>A fired one-shot watch.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Path">The watched path, relative to the client's chroot.</param>
/// <example>
/// <code>
/// await client.ExistsAsync("/leader", e =>
/// {
///     if (e.Type == WatchEventType.NodeDeleted) { wakeUp.TrySetResult(); }
/// }, cancellationToken);
/// </code>
/// </example>
public sealed record WatchedEvent(WatchEventType Type, string Path);
