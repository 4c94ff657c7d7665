namespace MusicRecipes.Testing.Containers;

/// <summary>
/// The files and environment of one Cassandra container, written by the process kit's own code
/// (<see cref="CassandraNodeConfig"/>, <see cref="CassandraJvm"/>) so both kits run the same server settings. The node
/// listens for its peers on its network address, serves CQL on every interface, and tells clients the host address
/// its port is published on.
/// </summary>
internal static class CassandraContainerConfig
{
    private const string ConfigDirectory = "/etc/cassandra";

    public static IReadOnlyDictionary<string, string> Files(int node, ContainerAddress address, string seed, CassandraContainerClusterOptions options)
    {
        var processKit = options.AsProcessKitOptions();
        var layout = new CassandraNodeLayout("/var/lib/cassandra", address.NetworkAddress, address.NetworkAddress, "0.0.0.0", address.HostAddress, seed);
        return new Dictionary<string, string>
        {
            [$"{ConfigDirectory}/cassandra.yaml"] = CassandraNodeConfig.Yaml(layout, processKit) + "\n",
            [$"{ConfigDirectory}/cassandra-rackdc.properties"] = CassandraNodeConfig.RackDc(processKit.DataCenterOf(node)),
            [$"{ConfigDirectory}/logback.xml"] = CassandraNodeConfig.Logback,
        };
    }

    public static IReadOnlyDictionary<string, string> Environment(CassandraContainerClusterOptions options) => new Dictionary<string, string>
    {
        ["JVM_OPTS"] = string.Join(' ', CassandraJvm.Options(options.HeapMegabytes)),
    };
}
