using Microsoft.Extensions.Logging;
using MusicRecipes.Tls;

namespace MusicRecipes.ZooKeeper;

/// <summary>Settings of a <see cref="ZooKeeperClient"/>.</summary>
/// <example>
/// <code>
/// await using var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
/// {
///     ConnectionString = "zk1:2181,zk2:2181,zk3:2181/music",
///     SessionTimeout = TimeSpan.FromSeconds(10),
/// }, cancellationToken);
/// </code>
/// </example>
public sealed class ZooKeeperClientOptions
{
    /// <summary>The largest packet ZooKeeper servers accept by default (<c>jute.maxbuffer</c> = 0xfffff).</summary>
    public const int DefaultMaxPacketSize = 0xfffff;

    /// <summary>Servers and optional chroot, e.g. "127.0.0.1:2181,127.0.0.1:2182/app" (see <see cref="ZooKeeperConnectionString"/>).</summary>
    public string ConnectionString { get; set; } = "127.0.0.1:2181";

    /// <summary>
    /// The session timeout to ask for; the server clamps it to [2, 20] × its tickTime unless configured otherwise.
    /// A holder that is cut off learns it lost its locks after at most this long (rule 6 of docs/design.md). Default 15 s.
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an operation waits for a connection before it fails with <see cref="ConnectionLossException"/>. Default 15 s.</summary>
    public TimeSpan ConnectionTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The largest request, in bytes without the 4-byte length prefix, the client sends. Set it to the servers'
    /// <c>jute.maxbuffer</c>: larger requests fail with <see cref="PacketTooLargeException"/> before anything is sent.
    /// Replies up to this size plus 64 KiB are accepted.
    /// </summary>
    public int MaxPacketSize { get; set; } = DefaultMaxPacketSize;

    /// <summary>Resume this session instead of creating one (for tools and tests; see <see cref="ZooKeeperSessionCredentials"/>).</summary>
    public ZooKeeperSessionCredentials? ResumeSession { get; set; }

    /// <summary>
    /// Credentials presented on every connection, before any request (see <see cref="ZooKeeperAuthInfo"/>). A scheme the
    /// servers reject ends the client for good (<see cref="AuthFailedException"/> from every call, no reconnect storm).
    /// Never logged.
    /// </summary>
    public IList<ZooKeeperAuthInfo> AuthInfo { get; } = [];

    /// <summary>
    /// The access control list of every node the client creates. Default: <see cref="ZooKeeperAcl.CreatorAll"/> when
    /// <see cref="AuthInfo"/> has credentials (a client without them can then neither read, write nor delete what this
    /// one created), else <see cref="ZooKeeperAcl.OpenUnsafe"/>.
    /// </summary>
    public IReadOnlyList<ZooKeeperAcl>? Acl { get; set; }

    /// <summary>The list the client's creates carry (see <see cref="Acl"/>).</summary>
    internal IReadOnlyList<ZooKeeperAcl> EffectiveAcl => Acl ?? (AuthInfo.Count > 0 ? ZooKeeperAcl.CreatorAll : ZooKeeperAcl.OpenUnsafe);

    /// <summary>
    /// TLS on every connection, for the servers' secure client ports, or null for plain TCP (the default). A secure port
    /// (<c>secureClientPort</c>, served by <c>NettyServerCnxnFactory</c>) speaks the ordinary ZooKeeper protocol inside
    /// TLS, so the connection string must name the secure ports; it asks for a client certificate unless the servers set
    /// <c>ssl.clientAuth=none</c>. With a null <see cref="TlsClientOptions.TargetHost"/>, each server's certificate must
    /// carry its host as the connection string writes it. A server whose certificate does not validate, or a handshake
    /// the server refuses, ends the client for good (<see cref="ZooKeeperTlsException"/> from every call, no reconnect
    /// storm) — the servers share the ensemble's TLS setup.
    /// </summary>
    public TlsClientOptions? Tls { get; set; }

    /// <summary>Where the client logs connection changes. Default: nowhere.</summary>
    public ILogger? Logger { get; set; }
}
