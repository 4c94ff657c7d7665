namespace MusicRecipes.ZooKeeper;

/// <summary>The kind of a <see cref="ZooKeeperOpResult"/>.</summary>
public enum ZooKeeperOpKind
{
    /// <summary>A node was created.</summary>
    Create,

    /// <summary>A node was deleted.</summary>
    Delete,

    /// <summary>A node's data was set.</summary>
    SetData,

    /// <summary>A version check passed.</summary>
    Check,

    /// <summary>The operation failed, or was rolled back because another one failed (<see cref="KeeperErrorCode.RuntimeInconsistency"/>).</summary>
    Error,
}
