namespace MusicRecipes.Testing.Containers;

/// <summary>Settings of a <see cref="ZooKeeperContainerEnsemble"/>.</summary>
/// <example>
/// <code>
/// var options = new ZooKeeperContainerEnsembleOptions { ServerCount = 3, TickTimeMs = 200 };
/// var official = new ZooKeeperContainerEnsembleOptions { Image = "zookeeper:3.8" }; // untested here: no registry, no iptables in it
/// </code>
/// </example>
public sealed class ZooKeeperContainerEnsembleOptions
{
    /// <summary>1 for a standalone server, or the size of the ensemble (3 is typical). Default 3.</summary>
    public int ServerCount { get; set; } = 3;

    /// <summary>The image; default <see cref="ContainerImages.ZooKeeper"/> (configuration in /conf/zoo.cfg, data in /data, flags in $JVMFLAGS).</summary>
    public string Image { get; set; } = ContainerImages.ZooKeeper;

    /// <summary>
    /// The network to start on, shared with other fixtures (a <see cref="CassandraContainerCluster"/> beside it);
    /// null creates one that the ensemble owns and removes.
    /// </summary>
    public ContainerNetwork? Network { get; set; }

    /// <summary>ZooKeeper's tick. Default 200 ms: a follower cut from its leader stops serving after syncLimit (10) ticks, 2 s.</summary>
    public int TickTimeMs { get; set; } = 200;

    /// <summary>The smallest session timeout the servers grant. Default 2 ticks.</summary>
    public int? MinSessionTimeoutMs { get; set; }

    /// <summary>The largest session timeout the servers grant. Default 60 s.</summary>
    public int MaxSessionTimeoutMs { get; set; } = 60_000;

    /// <summary>The Java heap of each server. Default 256 MiB.</summary>
    public string JavaHeap { get; set; } = "256m";

    /// <summary>How long to wait for the servers to serve (and to elect a leader). Default 2 minutes.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
