namespace MusicRecipes.ZooKeeper;

/// <summary>
/// One entry of a node's access control list: who (<paramref name="Scheme"/>:<paramref name="Id"/>) may do what
/// (<paramref name="Permissions"/>). ZooKeeper checks a child's creation and deletion against its parent's list, and
/// reads and writes against the node's own.
/// </summary>
/// <example>
/// <code>
/// var options = new ZooKeeperClientOptions { AuthInfo = { ZooKeeperAuthInfo.Digest("orders", secret) }, Acl = ZooKeeperAcl.CreatorAll };
/// </code>
/// </example>
public sealed record ZooKeeperAcl(ZooKeeperPermissions Permissions, string Scheme, string Id)
{
    /// <summary>Everyone may do everything (ZooKeeper's OPEN_ACL_UNSAFE): the default without credentials.</summary>
    public static IReadOnlyList<ZooKeeperAcl> OpenUnsafe { get; } = [new(ZooKeeperPermissions.All, "world", "anyone")];

    /// <summary>Only the identities the creating connection authenticated as (CREATOR_ALL_ACL): the default with credentials.</summary>
    public static IReadOnlyList<ZooKeeperAcl> CreatorAll { get; } = [new(ZooKeeperPermissions.All, "auth", string.Empty)];
}

/// <summary>ZooKeeper's permission bits (ZooDefs.Perms).</summary>
[Flags]
public enum ZooKeeperPermissions
{
    /// <summary>No permission.</summary>
    None = 0,

    /// <summary>Read the node's data and list its children.</summary>
    Read = 1,

    /// <summary>Set the node's data.</summary>
    Write = 2,

    /// <summary>Create children.</summary>
    Create = 4,

    /// <summary>Delete children.</summary>
    Delete = 8,

    /// <summary>Set the node's ACL.</summary>
    Admin = 16,

    /// <summary>All of the above.</summary>
    All = Read | Write | Create | Delete | Admin,
}
