namespace MusicRecipes.Testing.Tests;

/// <summary>One cassandra.yaml writer for both kits: the process kit's loopback layout and the container kit's.</summary>
public sealed class CassandraNodeConfigTests
{
    private static readonly CassandraTestClusterOptions Options = new() { NodeCount = 1, NativePort = 9042, StoragePort = 7000, DataCenters = ["site0"] };

    [Fact]
    public void A_container_node_listens_on_its_network_address_serves_every_interface_and_tells_clients_its_host_address()
    {
        var yaml = CassandraNodeConfig.Yaml(
            new CassandraNodeLayout("/var/lib/cassandra", "10.201.5.11", "10.201.5.11", "0.0.0.0", "127.0.150.11", "10.201.5.10"), Options);

        Assert.Contains("listen_address: 10.201.5.11\nbroadcast_address: 10.201.5.11\nrpc_address: 0.0.0.0\nbroadcast_rpc_address: 127.0.150.11\n", yaml, StringComparison.Ordinal);
        Assert.Contains("- seeds: \"10.201.5.10\"", yaml, StringComparison.Ordinal);
        Assert.Contains("    - /var/lib/cassandra/data\n", yaml, StringComparison.Ordinal);
        Assert.Contains("endpoint_snitch: org.apache.cassandra.locator.GossipingPropertyFileSnitch", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_process_node_keeps_its_loopback_addresses_and_names_no_broadcast_rpc_address()
    {
        var yaml = CassandraNodeConfig.Yaml(new CassandraNodeLayout("/tmp/n2", "127.0.0.2", "127.0.1.2", "127.0.0.2", null, "127.0.1.1"), Options);

        Assert.Contains("listen_address: 127.0.0.2\nbroadcast_address: 127.0.1.2\nrpc_address: 127.0.0.2\n", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("broadcast_rpc_address", yaml, StringComparison.Ordinal);
    }
}
