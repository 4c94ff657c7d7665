namespace MusicRecipes.ZooKeeper;

/// <summary>What a one-shot watch reports.</summary>
public enum WatchEventType
{
    /// <summary>The watched node was created (an <c>exists</c> watch on a missing node).</summary>
    NodeCreated = 1,

    /// <summary>The watched node was deleted.</summary>
    NodeDeleted = 2,

    /// <summary>The watched node's data changed.</summary>
    NodeDataChanged = 3,

    /// <summary>The watched node's children changed.</summary>
    NodeChildrenChanged = 4,

    /// <summary>The session that set the watch expired: the watch will never fire for the node.</summary>
    SessionExpired = 100,

    /// <summary>The client was disposed: the watch will never fire for the node.</summary>
    ClientClosed = 101,
}
