using System.ComponentModel.DataAnnotations;
using MusicRecipes.ZooKeeper;
namespace MusicRecipes.Hosting;

/// <summary>Settings of the ZooKeeper lock store (section <c>Music:ZooKeeper</c>), used by <see cref="MusicBuilderZooKeeperExtensions.UseZooKeeperLocks(IMusicBuilder, string, Action{ZooKeeperBackendOptions}?)"/>.</summary>
/// <example>
/// <code>
/// // appsettings.json: { "Music": { "ZooKeeper": { "ConnectionString": "zk1:2181,zk2:2181,zk3:2181/music", "SessionTimeout": "00:00:10" } } }
/// </code>
/// </example>
public sealed class ZooKeeperBackendOptions
{
    /// <summary>Servers and optional chroot, e.g. "zk1:2181,zk2:2181,zk3:2181/music". The chroot node is created if missing.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Session timeout asked for (the server clamps it to its own bounds). A process that dies or is cut off keeps its
    /// locks this long; a holder that is cut off learns it lost them after at most this long. Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "10675199.02:48:05.4775807", ErrorMessage = "Music:ZooKeeper:SessionTimeout must be positive.")]
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long resolving the client waits for the first session (and operations wait for a connection); after that
    /// it fails with a <see cref="MusicUnavailableException"/> naming the servers. Default 15 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "10675199.02:48:05.4775807", ErrorMessage = "Music:ZooKeeper:ConnectionTimeout must be positive.")]
    public TimeSpan ConnectionTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Where the lock queues live, relative to the chroot; every client that shares locks uses the same root. Default "/musicrecipes/locks".</summary>
    [Required(ErrorMessage = "Music:ZooKeeper:RootPath is required.")]
    [RegularExpression("^/.*", ErrorMessage = "Music:ZooKeeper:RootPath must start with '/'.")]
    public string RootPath { get; set; } = "/musicrecipes/locks";

    /// <summary>
    /// Digest user the client authenticates as on every connection (<c>addauth digest user:password</c>), or null for
    /// none. With a user, every node the lock store creates carries the creator-only ACL: a client without the same
    /// credentials can neither read, change nor delete the locks. Bind it from a secret store; it is never logged.
    /// </summary>
    [RegularExpression("^[^:]+$", ErrorMessage = "Music:ZooKeeper:Username may not contain ':'.")]
    public string? Username { get; set; }

    /// <summary>The digest password of <see cref="Username"/>. Never logged, traced or reported by health checks.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// TLS to the servers' secure client ports (<c>Music:ZooKeeper:Tls</c>: Enabled, CaCertificatePath,
    /// ClientCertificatePath, ClientCertificatePassword, HostName); the connection string must name those ports. Off by default.
    /// </summary>
    public BackendTlsOptions Tls { get; set; } = new();

    /// <summary>The credentials to present, if a user is configured.</summary>
    internal void AddAuthTo(ZooKeeperClientOptions options)
    {
        if (!string.IsNullOrEmpty(Username))
        {
            options.AuthInfo.Add(ZooKeeperAuthInfo.Digest(Username, Password ?? string.Empty));
        }
    }
}
