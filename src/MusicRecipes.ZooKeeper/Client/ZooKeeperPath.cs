namespace MusicRecipes.ZooKeeper;

/// <summary>Path rules of ZooKeeper (PathUtils.validatePath), checked client-side so a bad path never reaches the server.</summary>
/// <example>
/// <code>
/// ZooKeeperPath.Validate("/app/locks");             // fine
/// string child = ZooKeeperPath.Combine("/app", "x"); // "/app/x"
/// </code>
/// </example>
public static class ZooKeeperPath
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="path"/> is a valid absolute znode path.</summary>
    /// <param name="path">The path.</param>
    /// <param name="allowTrailingSlash">True for a sequential create, whose name may be just the counter ("/queue/").</param>
    public static void Validate(string path, bool allowTrailingSlash = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path[0] != '/')
        {
            throw new ArgumentException($"A ZooKeeper path must start with '/': '{path}'.", nameof(path));
        }

        if (path.Length == 1)
        {
            return;
        }

        var end = path.Length;
        if (path[^1] == '/')
        {
            if (!allowTrailingSlash)
            {
                throw new ArgumentException($"A ZooKeeper path must not end with '/': '{path}'.", nameof(path));
            }

            end--;
        }

        var segmentStart = 1;
        for (var i = 1; i <= end; i++)
        {
            if (i == end || path[i] == '/')
            {
                var segment = path.AsSpan(segmentStart, i - segmentStart);
                if (segment.Length == 0 || segment is "." || segment is "..")
                {
                    throw new ArgumentException($"A ZooKeeper path has an empty, '.' or '..' name: '{path}'.", nameof(path));
                }

                segmentStart = i + 1;
                continue;
            }

            var c = path[i];
            if (c == '\0' || (c > '\u0000' && c <= '\u001f') || (c >= '\u007f' && c <= '\u009f')
                || (c >= '\ud800' && c <= '\uf8ff') || c >= '\ufff0')
            {
                throw new ArgumentException($"A ZooKeeper path has an invalid character (U+{(int)c:X4}) at {i}.", nameof(path));
            }
        }
    }

    /// <summary>Joins a parent path and a child name.</summary>
    public static string Combine(string parent, string child) => parent == "/" ? "/" + child : parent + "/" + child;

    /// <summary>The parent of a path ("/" for a top-level node).</summary>
    public static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
