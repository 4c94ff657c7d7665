namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Translates between the paths a program uses and the server's paths when the connection string names a chroot
/// ("host:port/app"): "/x" is "/app/x" on the server, and "/" is "/app".
/// </summary>
internal sealed class Chroot
{
    private readonly string? _root;

    public Chroot(string? root)
    {
        _root = string.IsNullOrEmpty(root) || root == "/" ? null : root;
    }

    public string? Root => _root;

    public string ToServer(string clientPath)
    {
        if (_root is null)
        {
            return clientPath;
        }

        return clientPath == "/" ? _root : _root + clientPath;
    }

    public string ToClient(string serverPath)
    {
        if (_root is null)
        {
            return serverPath;
        }

        if (serverPath == _root)
        {
            return "/";
        }

        return serverPath.StartsWith(_root + "/", StringComparison.Ordinal) ? serverPath[_root.Length..] : serverPath;
    }
}
