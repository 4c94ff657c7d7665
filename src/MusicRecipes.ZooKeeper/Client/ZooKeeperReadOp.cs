namespace MusicRecipes.ZooKeeper;

/// <summary>One read of a <see cref="ZooKeeperClient.MultiReadAsync"/> batch: a node's children, or its data (no watch).</summary>
/// <param name="Path">The node (relative to the chroot).</param>
/// <param name="Children">True for getChildren, false for getData.</param>
internal readonly record struct ZooKeeperReadOp(string Path, bool Children)
{
    public static ZooKeeperReadOp GetChildren(string path) => new(path, Children: true);

    public static ZooKeeperReadOp GetData(string path) => new(path, Children: false);
}
