using System.Globalization;
using MusicRecipes.Testing.Tls;

namespace MusicRecipes.Testing;

/// <summary>Writes one node's conf directory: cassandra.yaml, cassandra-rackdc.properties and logback.xml.</summary>
internal static class CassandraNodeConfig
{
    public static void Write(string nodeDirectory, int node, CassandraTestClusterOptions options)
    {
        var conf = Path.Combine(nodeDirectory, "conf");
        Directory.CreateDirectory(conf);
        var address = CassandraTestCluster.AddressOf(node);
        var layout = new CassandraNodeLayout(nodeDirectory, address, options.BroadcastAddressOf(node), address, null, options.BroadcastAddressOf(1));
        var yaml = Yaml(layout, options);
        if (options.Tls is { } tls)
        {
            yaml += "\n" + ClientEncryption(tls, tls.WriteServerStores(conf, [address, "localhost"], pkcs12TrustStore: tls.RequireClientCertificate));
        }

        File.WriteAllText(Path.Combine(conf, "cassandra.yaml"), yaml + "\n");
        File.WriteAllText(Path.Combine(conf, "cassandra-rackdc.properties"), RackDc(options.DataCenterOf(node)));
        File.WriteAllText(Path.Combine(conf, "logback.xml"), Logback);
    }

    /// <summary>The node's cassandra-rackdc.properties (read by GossipingPropertyFileSnitch).</summary>
    public static string RackDc(string dataCenter) => $"dc={dataCenter}\nrack=rack1\n";

    /// <summary>Logging to standard output only: the process kit sends it to node.log, a container to its log.</summary>
    public const string Logback = """
        <configuration scan="false">
          <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%-5level %date{HH:mm:ss,SSS} [%thread] %logger{0}: %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="STDOUT" /></root>
        </configuration>
        """;

    /// <summary>The cassandra.yaml of one node (without TLS), for the process kit and the container kit alike.</summary>
    public static string Yaml(CassandraNodeLayout layout, CassandraTestClusterOptions options)
    {
        var snitch = options.DataCenters is null
            ? "org.apache.cassandra.locator.SimpleSnitch"
            : "org.apache.cassandra.locator.GossipingPropertyFileSnitch";
        string Dir(string name) => Path.Combine(layout.Directory, name);
        string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
        var broadcastRpc = layout.BroadcastRpcAddress is { } rpc ? $"\nbroadcast_rpc_address: {rpc}" : string.Empty;

        // Tuned for tests on a small machine: few tokens, no auto-bootstrap (empty nodes), quick timeouts, no
        // snapshots on DROP/TRUNCATE, small caches; listen and serve on 127.0.0.N only.
        var yaml = $"""
            cluster_name: 'MusicRecipesTest'
            num_tokens: 16
            partitioner: org.apache.cassandra.dht.Murmur3Partitioner
            auto_bootstrap: false
            data_file_directories:
                - {Dir("data")}
            commitlog_directory: {Dir("commitlog")}
            saved_caches_directory: {Dir("saved_caches")}
            commitlog_sync: periodic
            commitlog_sync_period_in_ms: 10000
            commitlog_segment_size_in_mb: 8
            seed_provider:
                - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                  parameters:
                      - seeds: "{layout.Seed}"
            listen_address: {layout.ListenAddress}
            broadcast_address: {layout.BroadcastAddress}
            rpc_address: {layout.RpcAddress}{broadcastRpc}
            start_native_transport: true
            native_transport_port: {Int(options.NativePort)}
            storage_port: {Int(options.StoragePort)}
            ssl_storage_port: {Int(options.StoragePort + 1)}
            start_rpc: false
            rpc_port: {Int(options.StoragePort + 2)}
            endpoint_snitch: {snitch}
            write_request_timeout_in_ms: {Int(options.WriteRequestTimeoutMs)}
            read_request_timeout_in_ms: {Int(options.ReadRequestTimeoutMs)}
            counter_write_request_timeout_in_ms: {Int(options.WriteRequestTimeoutMs)}
            range_request_timeout_in_ms: {Int(options.ReadRequestTimeoutMs * 2)}
            cas_contention_timeout_in_ms: 1000
            cross_node_timeout: {(options.CrossNodeTimeout ? "true" : "false")}
            truncate_request_timeout_in_ms: 60000
            request_timeout_in_ms: {Int(Math.Max(options.ReadRequestTimeoutMs, options.WriteRequestTimeoutMs) * 2)}
            concurrent_reads: 8
            concurrent_writes: 8
            concurrent_counter_writes: 8
            hinted_handoff_enabled: true
            max_hint_window_in_ms: 10800000
            key_cache_size_in_mb: 4
            row_cache_size_in_mb: 0
            incremental_backups: false
            snapshot_before_compaction: false
            auto_snapshot: false
            disk_failure_policy: stop
            commit_failure_policy: stop
            phi_convict_threshold: 8
            dynamic_snitch_update_interval_in_ms: 100
            dynamic_snitch_reset_interval_in_ms: 600000
            dynamic_snitch_badness_threshold: 0.1
            tombstone_warn_threshold: 100000
            tombstone_failure_threshold: 1000000
            authenticator: {(options.PasswordAuthentication ? "PasswordAuthenticator" : "AllowAllAuthenticator")}
            """;
        return yaml;
    }

    /// <summary>
    /// The native port's TLS. Cassandra 2.1 opens every store with one <c>store_type</c>, and reads the trust store only
    /// when it requires client certificates. Its default cipher list is CBC suites only; the GCM suites lead here, as both
    /// the JDK and .NET's OpenSSL prefer them. TLS 1.3 is left out: its suites are not in the list, so the JDK negotiates
    /// TLS 1.2, which the Netty 4.0 of Cassandra 2.1 handles.
    /// </summary>
    private static string ClientEncryption(TestServerTls tls, JavaKeyStoreFiles stores)
    {
        var lines = new List<string>
        {
            "client_encryption_options:",
            "    enabled: true",
            $"    keystore: {stores.KeyStore}",
            $"    keystore_password: {TestServerTls.StorePassword}",
            $"    require_client_auth: {(tls.RequireClientCertificate ? "true" : "false")}",
            "    store_type: PKCS12",
            "    protocol: TLS",
            "    cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA]",
        };
        if (stores.Pkcs12TrustStore is { } trustStore)
        {
            lines.Add($"    truststore: {trustStore}");
            lines.Add($"    truststore_password: {TestServerTls.StorePassword}");
        }

        return string.Join('\n', lines);
    }
}
