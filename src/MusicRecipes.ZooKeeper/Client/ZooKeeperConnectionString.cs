using System.Net;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// A parsed ZooKeeper connection string: a comma-separated list of <c>host:port</c> servers, optionally followed by a
/// chroot path ("127.0.0.1:2181,127.0.0.1:2182/app").
/// </summary>
/// <example>
/// <code>
/// var parsed = ZooKeeperConnectionString.Parse("zk1:2181,zk2:2181,zk3:2181/music");
/// // parsed.Servers.Count == 3, parsed.Chroot == "/music"
/// </code>
/// </example>
public sealed class ZooKeeperConnectionString
{
    private ZooKeeperConnectionString(IReadOnlyList<DnsEndPoint> servers, string? chroot)
    {
        Servers = servers;
        Chroot = chroot;
    }

    /// <summary>The servers, in the order given.</summary>
    public IReadOnlyList<DnsEndPoint> Servers { get; }

    /// <summary>The chroot path, or <c>null</c>.</summary>
    public string? Chroot { get; }

    /// <summary>Parses a connection string; the port defaults to 2181.</summary>
    /// <exception cref="ArgumentException">The string names no server, a bad port, or an invalid chroot.</exception>
    public static ZooKeeperConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        string? chroot = null;
        var hosts = connectionString.Trim();
        var slash = hosts.IndexOf('/');
        if (slash >= 0)
        {
            chroot = hosts[slash..];
            hosts = hosts[..slash];
            if (chroot.Length > 1)
            {
                ZooKeeperPath.Validate(chroot);
            }
            else
            {
                chroot = null;
            }
        }

        var servers = new List<DnsEndPoint>();
        foreach (var part in hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var host = part;
            var port = 2181;
            var colon = part.LastIndexOf(':');
            if (colon > 0 && part.IndexOf(']') < colon)
            {
                if (!int.TryParse(part.AsSpan(colon + 1), out port) || port is <= 0 or > 65535)
                {
                    throw new ArgumentException($"Bad port in ZooKeeper server '{part}'.", nameof(connectionString));
                }

                host = part[..colon];
            }

            servers.Add(new DnsEndPoint(host.Trim('[', ']'), port));
        }

        if (servers.Count == 0)
        {
            throw new ArgumentException("The ZooKeeper connection string names no server.", nameof(connectionString));
        }

        return new ZooKeeperConnectionString(servers, chroot);
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(",", Servers.Select(s => $"{s.Host}:{s.Port}")) + (Chroot ?? string.Empty);
}
