namespace MusicRecipes.Testing.Containers;

/// <summary>Settings of a <see cref="CassandraContainerCluster"/>.</summary>
/// <example>
/// <code>
/// // Three sites, one data centre each (GossipingPropertyFileSnitch), as the process kit's multi-site setups.
/// var options = new CassandraContainerClusterOptions { NodeCount = 3, DataCenters = ["site0", "site1", "site2"] };
/// </code>
/// </example>
public sealed class CassandraContainerClusterOptions
{
    /// <summary>Number of nodes; node 1 is the seed. Default 3.</summary>
    public int NodeCount { get; set; } = 3;

    /// <summary>The image; default <see cref="ContainerImages.Cassandra"/> (configuration in /etc/cassandra, data in /var/lib/cassandra, flags in $JVM_OPTS).</summary>
    public string Image { get; set; } = ContainerImages.Cassandra;

    /// <summary>The network to start on, shared with other fixtures; null creates one that the cluster owns and removes.</summary>
    public ContainerNetwork? Network { get; set; }

    /// <summary>
    /// Data centre of each node (index 0 is node 1), with GossipingPropertyFileSnitch. Null puts every node in
    /// "datacenter1" with SimpleSnitch.
    /// </summary>
    public IReadOnlyList<string>? DataCenters { get; set; }

    /// <summary>The CQL port of every node, on its own host address. Default 9042.</summary>
    public int NativePort { get; set; } = 9042;

    /// <summary>The server's write timeout (write_request_timeout_in_ms). Default 2000.</summary>
    public int WriteRequestTimeoutMs { get; set; } = 2000;

    /// <summary>The server's read timeout (read_request_timeout_in_ms). Default 2000.</summary>
    public int ReadRequestTimeoutMs { get; set; } = 2000;

    /// <summary>cross_node_timeout (see <see cref="CassandraTestClusterOptions.CrossNodeTimeout"/>; the containers share the host's clock). Default false.</summary>
    public bool CrossNodeTimeout { get; set; }

    /// <summary>Maximum Java heap per node in MiB. Default 512.</summary>
    public int HeapMegabytes { get; set; } = 512;

    /// <summary>How long to wait for the whole cluster to be up. Default 4 minutes (2 cores, 3 JVMs, container start).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(4);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(NodeCount, 1);
        if (DataCenters is not null && DataCenters.Count != NodeCount)
        {
            throw new ArgumentException("DataCenters needs one entry per node.", nameof(DataCenters));
        }
    }

    /// <summary>The process kit's options with the same server settings: the cassandra.yaml is written by the same code.</summary>
    internal CassandraTestClusterOptions AsProcessKitOptions() => new()
    {
        NodeCount = NodeCount,
        NativePort = NativePort,
        StoragePort = 7000,
        DataCenters = DataCenters,
        WriteRequestTimeoutMs = WriteRequestTimeoutMs,
        ReadRequestTimeoutMs = ReadRequestTimeoutMs,
        CrossNodeTimeout = CrossNodeTimeout,
        HeapMegabytes = HeapMegabytes,
    };
}
