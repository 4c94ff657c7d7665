using MusicRecipes.Testing.Tls;

namespace MusicRecipes.Testing;

/// <summary>Settings of a <see cref="ZooKeeperTestEnsemble"/>.</summary>
/// <example>
/// <code>
/// var options = new ZooKeeperTestEnsembleOptions { ServerCount = 3, BaseClientPort = 22181, BaseQuorumPort = 22888, BaseElectionPort = 23888 };
/// </code>
/// </example>
public sealed class ZooKeeperTestEnsembleOptions
{
    /// <summary>1 for a standalone server, or the size of the ensemble (3 is typical). Default 1.</summary>
    public int ServerCount { get; set; } = 1;

    /// <summary>
    /// Client port of server 1; server N listens on <c>BaseClientPort + N - 1</c>. Pick distinct ranges per fixture,
    /// and below the ephemeral range (<see cref="LocalPorts.EphemeralRange"/>) if servers are killed and restarted.
    /// </summary>
    public int BaseClientPort { get; set; } = 21811;

    /// <summary>
    /// Quorum (follower-to-leader) port of server 1; 0 picks <c>BaseClientPort + 700</c>. Only the leader listens on
    /// its quorum port, so every leader change binds one afresh: keep it below the ephemeral range too.
    /// </summary>
    public int BaseQuorumPort { get; set; }

    /// <summary>Leader-election port of server 1; 0 picks <c>BaseClientPort + 1700</c>.</summary>
    public int BaseElectionPort { get; set; }

    /// <summary>ZooKeeper's tick; session timeouts are clamped to [2, 20] ticks unless the bounds below say otherwise. Default 200 ms.</summary>
    public int TickTimeMs { get; set; } = 200;

    /// <summary>The smallest session timeout the servers grant. Default 2 ticks.</summary>
    public int? MinSessionTimeoutMs { get; set; }

    /// <summary>The largest session timeout the servers grant. Default 60 s.</summary>
    public int MaxSessionTimeoutMs { get; set; } = 60_000;

    /// <summary>Where data directories go; a fresh temporary folder by default. It is deleted on dispose.</summary>
    public string? DataRoot { get; set; }

    /// <summary>How long to wait for the servers to serve (and, for an ensemble, to elect a leader). Default 60 s.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The Java heap of each server. Default 256 MiB (machines running tests have few cores and share memory).</summary>
    public string JavaHeap { get; set; } = "256m";

    /// <summary>
    /// How server <c>from</c> reaches server <c>to</c> (1-based ids): the ports its zoo.cfg names for <c>to</c>'s quorum
    /// and election, on 127.0.0.1. Null, or a server's own line: the real ports. Return the ports of a
    /// <see cref="Network.TcpFaultProxy"/> in front of <c>to</c>'s ports to run that link through a proxy that can delay
    /// or cut it; each server gets a zoo.cfg of its own, so every directed link can have a proxy of its own
    /// (<see cref="MultiSiteServers"/> does).
    /// </summary>
    public Func<int, int, ZooKeeperPeerPorts>? PeerPorts { get; set; }

    /// <summary>
    /// Whether, and how, the servers also serve a secure client port (<c>secureClientPort</c>, through
    /// <c>NettyServerCnxnFactory</c>; each server gets a certificate for 127.0.0.1 and "localhost", signed by
    /// <see cref="TestServerTls.Authority"/>; <c>ssl.clientAuth</c> is <c>need</c> — ZooKeeper's default — if
    /// <see cref="TestServerTls.RequireClientCertificate"/>, else <c>none</c>). The plain client port stays open beside
    /// it for the kit's own checks. Null (the default): no secure port.
    /// </summary>
    public TestServerTls? Tls { get; set; }

    /// <summary>Secure client port of server 1 when <see cref="Tls"/> is set; server N uses <c>BaseSecureClientPort + N - 1</c>. 0 picks <c>BaseClientPort + 100</c>.</summary>
    public int BaseSecureClientPort { get; set; }

    /// <summary>The server classpath; by default found by <see cref="ZooKeeperClasspath.Find"/>.</summary>
    public string? Classpath { get; set; }

    internal ZooKeeperPeerPorts PeerPortsFor(int from, int to) =>
        from != to && PeerPorts is { } route ? route(from, to) : new ZooKeeperPeerPorts(QuorumPort(to), ElectionPort(to));

    internal int QuorumPort(int server) => (BaseQuorumPort == 0 ? BaseClientPort + 700 : BaseQuorumPort) + server - 1;

    internal int ElectionPort(int server) => (BaseElectionPort == 0 ? BaseClientPort + 1700 : BaseElectionPort) + server - 1;

    internal int ClientPort(int server) => BaseClientPort + server - 1;

    internal int SecureClientPort(int server) => (BaseSecureClientPort == 0 ? BaseClientPort + 100 : BaseSecureClientPort) + server - 1;
}
