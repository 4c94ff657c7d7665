namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>The faults the nemesis injects.</summary>
internal enum FaultKind
{
    /// <summary>SIGKILL a Cassandra node, later start it again on its data (a crash and recovery).</summary>
    CassandraKill,

    /// <summary>SIGSTOP a Cassandra node, later SIGCONT it (a frozen node: connections open, nothing answers).</summary>
    CassandraPause,

    /// <summary>SIGKILL a ZooKeeper server (possibly the leader), later restart it.</summary>
    ZooKeeperKill,

    /// <summary>Expire one client's ZooKeeper session, as the ensemble does after a long silence.</summary>
    SessionExpiry,

    /// <summary>Cut every ZooKeeper connection of one site through its proxies (a partition), later heal it.</summary>
    SiteCut,

    /// <summary>Add 150-400 ms of latency to one site's ZooKeeper links for a while (a slow WAN).</summary>
    SlowLink,

    /// <summary>SIGSTOP a client process, mostly for longer than its session timeout, then SIGCONT it (a GC pause, a frozen VM).</summary>
    ClientPause,

    /// <summary>SIGKILL a client process (its session, and so its lock, lives on until the session times out); a new process takes its role.</summary>
    ClientKill,

    /// <summary>Cut a Cassandra node from the other two (containers only): QUORUM through it fails, the others go on.</summary>
    CassandraPartition,

    /// <summary>Cut the ZooKeeper leader from the other servers (containers only): they elect another, it stops serving.</summary>
    ZooKeeperLeaderIsolation,

    /// <summary>Cut a minority site from the majority (containers only): its Cassandra node and ZooKeeper server from the others', its clients from the others' ZooKeeper servers and the others' clients from its server.</summary>
    SitePartition,
}
