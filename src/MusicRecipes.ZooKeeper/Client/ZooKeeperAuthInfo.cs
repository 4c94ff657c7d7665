using System.Text;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Credentials the client presents on every connection (ZooKeeper's <c>addauth</c>): ZooKeeper ties authentication to
/// the connection, not the session, so the client sends them again after each reconnect, before any request.
/// </summary>
/// <param name="Scheme">The authentication scheme, e.g. "digest".</param>
/// <param name="Auth">The scheme's credentials (for digest: the UTF-8 of "user:password").</param>
/// <example>
/// <code>
/// var options = new ZooKeeperClientOptions { ConnectionString = "zk1:2181", AuthInfo = { ZooKeeperAuthInfo.Digest("orders", secret) } };
/// </code>
/// </example>
public sealed record ZooKeeperAuthInfo(string Scheme, byte[] Auth)
{
    /// <summary>Digest credentials of <paramref name="user"/> (the user name may not contain ':').</summary>
    public static ZooKeeperAuthInfo Digest(string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        if (user.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A digest user name may not contain ':'.", nameof(user));
        }

        return new ZooKeeperAuthInfo("digest", Encoding.UTF8.GetBytes($"{user}:{password}"));
    }

    /// <summary>Never prints the credentials (they end up in logs otherwise).</summary>
    public override string ToString() => $"{Scheme}:(hidden)";
}
