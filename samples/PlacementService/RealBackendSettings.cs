using System.Globalization;

namespace PlacementService;

/// <summary>
/// Where the real backend's servers are: from the command line (<c>--cassandra a,b,c --zookeeper h:p,h:p
/// [--cassandra-port 9042] [--session-timeout 4]</c>, or <c>--start-servers</c>) or from the <c>Placement</c> section
/// of appsettings.json (<c>{"Placement": {"Cassandra": "127.0.0.1,127.0.0.2,127.0.0.3", "ZooKeeper": "127.0.0.1:2181"}}</c>).
/// The command line wins.
/// </summary>
public sealed class RealBackendSettings
{
    /// <summary>One Cassandra node per site, in site order: site i's clients use node i (modulo the count) as coordinator.</summary>
    public IReadOnlyList<string> CassandraNodes { get; set; } = [];

    public int CassandraPort { get; set; } = 9042;

    /// <summary>The ZooKeeper servers ("host:port,…", optional chroot).</summary>
    public string ZooKeeper { get; set; } = "";

    /// <summary>Data centre of each site's node (from <c>--start-servers</c>), or empty when the cluster's own layout applies.</summary>
    public IReadOnlyList<string> DataCenters { get; set; } = [];

    /// <summary>ZooKeeper session timeout: how long a crashed or cut-off worker's locks stay. Default 4 s.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Start a local 3-node Cassandra and 3-node ZooKeeper with the test kit.</summary>
    public bool StartServers { get; set; }

    /// <summary>Whether any real-backend setting was given (otherwise the sample runs in memory).</summary>
    public bool IsReal => StartServers || CassandraNodes.Count > 0 || ZooKeeper.Length > 0;

    public static RealBackendSettings Parse(string[] args, IConfiguration? appSettings = null)
    {
        var settings = new RealBackendSettings();
        var section = appSettings?.GetSection("Placement");
        if (section?["Cassandra"] is { } cassandraNodes)
        {
            settings.CassandraNodes = SplitList(cassandraNodes);
        }

        settings.ZooKeeper = section?["ZooKeeper"] ?? "";
        settings.StartServers = string.Equals(section?["StartServers"], "true", StringComparison.OrdinalIgnoreCase);
        if (section?["CassandraPort"] is { } port)
        {
            settings.CassandraPort = int.Parse(port, CultureInfo.InvariantCulture);
        }

        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--cassandra":
                    settings.CassandraNodes = SplitList(ValueOf(args, ++i));
                    break;
                case "--cassandra-port":
                    settings.CassandraPort = int.Parse(ValueOf(args, ++i), CultureInfo.InvariantCulture);
                    break;
                case "--zookeeper":
                    settings.ZooKeeper = ValueOf(args, ++i);
                    break;
                case "--session-timeout":
                    settings.SessionTimeout = TimeSpan.FromSeconds(double.Parse(ValueOf(args, ++i), CultureInfo.InvariantCulture));
                    break;
                case "--start-servers":
                    settings.StartServers = true;
                    break;
            }
        }

        if (!settings.StartServers && settings.IsReal && (settings.CassandraNodes.Count == 0 || settings.ZooKeeper.Length == 0))
        {
            throw new ArgumentException("The real backend needs both --cassandra <node,node,…> and --zookeeper <host:port,…> (or --start-servers).");
        }

        return settings;
    }

    private static string ValueOf(string[] args, int index) =>
        index < args.Length && !args[index].StartsWith("--", StringComparison.Ordinal)
            ? args[index]
            : throw new ArgumentException($"{args[index - 1]} needs a value.");

    private static string[] SplitList(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
