using MusicRecipes.Testing.Tls;

namespace MusicRecipes.Testing;

/// <summary>Settings of a <see cref="CassandraTestCluster"/>.</summary>
/// <example>
/// <code>
/// var options = new CassandraTestClusterOptions { NodeCount = 3, NativePort = 19042, StoragePort = 17000 };
/// // Two simulated sites: nodes 1-2 in "site-a", node 3 in "site-b" (GossipingPropertyFileSnitch).
/// var sites = new CassandraTestClusterOptions { NodeCount = 3, DataCenters = new[] { "site-a", "site-a", "site-b" } };
/// </code>
/// </example>
public sealed class CassandraTestClusterOptions
{
    /// <summary>Number of nodes; node i listens on 127.0.0.i. Default 3.</summary>
    public int NodeCount { get; set; } = 3;

    /// <summary>CQL native transport port of every node (each has its own address). Pick distinct ports per fixture.</summary>
    public int NativePort { get; set; } = 19042;

    /// <summary>Inter-node storage port; <c>StoragePort + 1</c> (SSL storage) is used too. Pick distinct ports per fixture.</summary>
    public int StoragePort { get; set; } = 17000;

    /// <summary>
    /// Data centre of each node (index 0 is node 1). Null puts every node in "datacenter1" with SimpleSnitch;
    /// otherwise GossipingPropertyFileSnitch is used, one data centre per simulated site.
    /// </summary>
    public IReadOnlyList<string>? DataCenters { get; set; }

    /// <summary>
    /// The address each node advertises to the other nodes (broadcast_address; index 0 is node 1), and the seed list
    /// names node 1 by it. Null: every node advertises its listen address 127.0.0.i. Put a
    /// <see cref="Network.TcpFaultProxy"/> on each advertised address and the storage port, forwarding to the node's
    /// listen address, and every link between nodes runs through a proxy that can delay or cut it
    /// (<see cref="MultiSiteServers"/> does). Clients still connect to 127.0.0.i.
    /// </summary>
    public IReadOnlyList<string>? BroadcastAddresses { get; set; }

    /// <summary>The server's write timeout (write_request_timeout_in_ms). Low, so write-timeout paths are quick to test. Default 2000.</summary>
    public int WriteRequestTimeoutMs { get; set; } = 2000;

    /// <summary>The server's read timeout (read_request_timeout_in_ms). Default 2000.</summary>
    public int ReadRequestTimeoutMs { get; set; } = 2000;

    /// <summary>
    /// Whether a node drops a request from another node that is older than its timeout by the sender's clock
    /// (cross_node_timeout). Default false, as in Cassandra. The nodes share one clock here, so true is exact: a node
    /// frozen by <see cref="CassandraTestCluster.PauseAsync"/> then drops, on resume, the writes its coordinator
    /// already reported as timed out, instead of applying them late — which is what keeps such a write on the
    /// replicas that did acknowledge it (a real partial write; hinted handoff may still deliver it minutes later).
    /// </summary>
    public bool CrossNodeTimeout { get; set; }

    /// <summary>Maximum Java heap per node in MiB (the minimum is half of it). Default 512.</summary>
    public int HeapMegabytes { get; set; } = 512;

    /// <summary>
    /// The Cassandra 2.1 distribution. Default: env var MUSIC_CASSANDRA_HOME, else where scripts/install-cassandra.sh
    /// puts it (/opt/musicrecipes/cassandra/apache-cassandra-2.1.0 or ~/.cache/musicrecipes/cassandra/…).
    /// </summary>
    public string? CassandraHome { get; set; }

    /// <summary>Where node directories go; a fresh temporary folder by default. Deleted on dispose.</summary>
    public string? BaseDirectory { get; set; }

    /// <summary>
    /// Whether the nodes require a login (<c>authenticator: PasswordAuthenticator</c>, as production clusters do). The
    /// kit's own sessions log in as Cassandra's default superuser (<see cref="SuperuserName"/>), which the node creates
    /// about 10 s after it starts serving; the cluster counts as up once that login works. Default false.
    /// </summary>
    public bool PasswordAuthentication { get; set; }

    /// <summary>
    /// Whether, and how, the native port serves TLS (<c>client_encryption_options</c>; each node gets a certificate for
    /// its address and "localhost", signed by <see cref="TestServerTls.Authority"/>, and requires a client certificate if
    /// <see cref="TestServerTls.RequireClientCertificate"/>). Cassandra 2.1 serves either TLS or plain on the port, not
    /// both, so every client of such a cluster needs <see cref="Cql.CqlSessionOptions.Tls"/>; the kit's own sessions and
    /// <see cref="CassandraTestCluster.CreateSessionOptions"/> trust the authority and present
    /// <see cref="TestServerTls.ClientCertificate"/>. Null (the default): plain TCP.
    /// </summary>
    public TestServerTls? Tls { get; set; }

    /// <summary>The default superuser of a node with <see cref="PasswordAuthentication"/> ("cassandra", password the same).</summary>
    public const string SuperuserName = "cassandra";

    /// <summary>How long to wait for the whole cluster to be up. Default 3 minutes (2 cores, 3 JVMs).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(3);

    internal string BroadcastAddressOf(int node) => BroadcastAddresses is { } addresses ? addresses[node - 1] : CassandraTestCluster.AddressOf(node);

    internal string DataCenterOf(int node) => DataCenters is { } dcs ? dcs[node - 1] : "datacenter1";

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(NodeCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(NodeCount, 200);
        if (DataCenters is not null && DataCenters.Count != NodeCount)
        {
            throw new ArgumentException("DataCenters needs one entry per node.", nameof(DataCenters));
        }

        if (BroadcastAddresses is not null && BroadcastAddresses.Count != NodeCount)
        {
            throw new ArgumentException("BroadcastAddresses needs one entry per node.", nameof(BroadcastAddresses));
        }
    }
}
