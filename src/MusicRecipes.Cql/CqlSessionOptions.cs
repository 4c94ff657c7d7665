using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Tls;

namespace MusicRecipes.Cql;

/// <summary>Settings of a <see cref="CqlSession"/>.</summary>
/// <example>
/// <code>
/// var options = new CqlSessionOptions
/// {
///     ContactPoints = { "10.0.0.1", "10.0.0.2" },
///     LocalDataCenter = "dc1",
///     RequestTimeout = TimeSpan.FromSeconds(5),
/// };
/// await using var session = await CqlSession.ConnectAsync(options, ct);
/// </code>
/// </example>
public sealed class CqlSessionOptions
{
    /// <summary>Host names or IP addresses to reach the cluster first; the rest is discovered from system.peers.</summary>
    public IList<string> ContactPoints { get; } = new List<string>();

    /// <summary>The native transport port of every node.</summary>
    public int Port { get; set; } = 9042;

    /// <summary>
    /// The highest protocol version to offer: 4 (Cassandra 2.2+) or 3. A node that refuses it makes the session
    /// reconnect with 3 (Cassandra 2.1 answers a v4 STARTUP with "Invalid or unsupported protocol version").
    /// </summary>
    public int MaxProtocolVersion { get; set; } = 4;

    /// <summary>Consistency of statements that do not set one.</summary>
    public CqlConsistency DefaultConsistency { get; set; } = CqlConsistency.LocalOne;

    /// <summary>Serial consistency of statements that do not set one; null leaves the server default (SERIAL).</summary>
    public CqlConsistency? DefaultSerialConsistency { get; set; }

    /// <summary>How long a request may wait for its response before it fails with <see cref="CqlRequestTimeoutException"/>.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long opening a connection (TCP, TLS handshake if any, STARTUP) may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An idle connection sends OPTIONS this often; no answer within <see cref="ConnectTimeout"/> closes it and
    /// marks the node down (this is how a frozen node is detected). <see cref="TimeSpan.Zero"/> disables it.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>First delay before reconnecting to a node that went down; doubles up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Largest delay between reconnection attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The data centre whose nodes are tried first. Null takes the data centre of the first contact point that
    /// answers.
    /// </summary>
    public string? LocalDataCenter { get; set; }

    /// <summary>
    /// Whether nodes found in system.peers join the query plan. Default true. False keeps every request on the
    /// contact points: a client that may only reach some nodes (behind a proxy or a firewall), or a test that must
    /// know which node coordinates its requests. Schema agreement then covers the contact points only: create the
    /// schema through a session that knows every node, or at deployment.
    /// </summary>
    public bool DiscoverPeers { get; set; } = true;

    /// <summary>Keyspace to USE on every connection, or null.</summary>
    public string? Keyspace { get; set; }

    /// <summary>Rows per page of statements that do not set one.</summary>
    public int PageSize { get; set; } = 5000;

    /// <summary>
    /// Whether the session stamps every statement without a <see cref="CqlStatement.Timestamp"/> with a monotonic
    /// client timestamp in microseconds (protocol flag 0x20), so two writes of this client keep their order.
    /// </summary>
    public bool ClientTimestamps { get; set; } = true;

    /// <summary>Concurrent requests per connection (stream ids in use).</summary>
    public int MaxRequestsPerConnection { get; set; } = 1024;

    /// <summary>User name for PasswordAuthenticator, or null for none.</summary>
    public string? Username { get; set; }

    /// <summary>Password for PasswordAuthenticator.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// TLS on every connection, for nodes that serve the native protocol encrypted (Cassandra's
    /// <c>client_encryption_options: enabled: true</c>), or null for plain TCP (the default). The handshake runs right
    /// after the TCP connect and before the CQL STARTUP; with a null <see cref="TlsClientOptions.TargetHost"/>, each
    /// node's certificate must carry the node's address. A node whose certificate does not validate, or a handshake the
    /// node refuses, is a <see cref="CqlTlsException"/> from <see cref="CqlSession.ConnectAsync"/> at once — not retried
    /// on the other nodes, which share the cluster's TLS setup.
    /// </summary>
    public TlsClientOptions? Tls { get; set; }

    /// <summary>Logging.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    internal void Validate()
    {
        if (ContactPoints.Count == 0)
        {
            throw new ArgumentException("At least one contact point is required.", nameof(ContactPoints));
        }

        if (MaxProtocolVersion is < 3 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxProtocolVersion), MaxProtocolVersion, "Protocol versions 3 and 4 are supported.");
        }

        if (MaxRequestsPerConnection is < 1 or > 32767)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestsPerConnection), MaxRequestsPerConnection, "Between 1 and 32767.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PageSize, 0);
        Tls?.Validate();
    }
}
