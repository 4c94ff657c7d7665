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
}
