using System.Globalization;
using System.Text;

namespace MusicRecipes.Testing.Containers;

/// <summary>The files of one ZooKeeper container: /conf/zoo.cfg naming every server by its network address, and /data/myid.</summary>
internal static class ZooKeeperContainerConfig
{
    public const int ClientPort = 2181;
    public const int QuorumPort = 2888;
    public const int ElectionPort = 3888;

    public static IReadOnlyDictionary<string, string> Files(int id, IReadOnlyList<string> serverAddresses, ZooKeeperContainerEnsembleOptions options)
    {
        var config = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"tickTime={options.TickTimeMs}")
            .AppendLine("initLimit=20")
            .AppendLine("syncLimit=10")
            .AppendLine("dataDir=/data")
            .AppendLine(CultureInfo.InvariantCulture, $"clientPort={ClientPort}")
            .AppendLine("admin.enableServer=false")
            .AppendLine("4lw.commands.whitelist=*")
            .AppendLine(CultureInfo.InvariantCulture, $"maxSessionTimeout={options.MaxSessionTimeoutMs}")
            .AppendLine(CultureInfo.InvariantCulture, $"minSessionTimeout={options.MinSessionTimeoutMs ?? 2 * options.TickTimeMs}")
            .AppendLine("maxClientCnxns=0");
        if (serverAddresses.Count > 1)
        {
            for (var server = 1; server <= serverAddresses.Count; server++)
            {
                config.AppendLine(CultureInfo.InvariantCulture, $"server.{server}={serverAddresses[server - 1]}:{QuorumPort}:{ElectionPort}");
            }
        }

        return new Dictionary<string, string>
        {
            ["/conf/zoo.cfg"] = config.ToString(),
            ["/data/myid"] = id.ToString(CultureInfo.InvariantCulture) + "\n",
        };
    }

    /// <summary>$JVMFLAGS: the process kit's (a small heap, serial GC, C1 only) and every four-letter word allowed.</summary>
    public static IReadOnlyDictionary<string, string> Environment(ZooKeeperContainerEnsembleOptions options) => new Dictionary<string, string>
    {
        ["JVMFLAGS"] = $"-Xmx{options.JavaHeap} -Xms32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dzookeeper.4lw.commands.whitelist=* -Dzookeeper.admin.enableServer=false",
    };
}
