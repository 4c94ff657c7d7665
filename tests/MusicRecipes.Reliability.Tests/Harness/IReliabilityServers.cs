using System.Net;
using MusicRecipes.Cql;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// The real servers of a reliability run, whichever kit runs them: child processes (<see cref="ProcessServers"/>) or
/// Docker containers (<see cref="ContainerServers"/>). Site i's Cassandra node is node i + 1 and its ZooKeeper server
/// is server i. What the nemesis does to them goes through here; the partitions between servers only the containers
/// have (<see cref="Partitions"/>).
/// </summary>
internal interface IReliabilityServers : IAsyncDisposable
{
    /// <summary>"processes" or "containers", for the report.</summary>
    string Kind { get; }

    int CassandraNodes { get; }

    int ZooKeeperServers { get; }

    /// <summary>Session options for the whole cluster (the kit's timeouts, every node as a contact point).</summary>
    CqlSessionOptions CassandraSessionOptions();

    /// <summary>The contact point of site <paramref name="site"/>'s node, at <see cref="CassandraSessionOptions"/>' port.</summary>
    string CassandraAddressOf(int site);

    /// <summary>Where clients reach ZooKeeper server <paramref name="server"/> (each client's links are proxies in front of these).</summary>
    IPEndPoint ZooKeeperEndPointOf(int server);

    /// <summary>Server-to-server partitions, or null where the kit cannot make them (one machine's processes).</summary>
    IServerPartitions? Partitions { get; }

    Task KillCassandraAsync(int node);

    Task StartCassandraAsync(int node, CancellationToken cancellationToken);

    Task PauseCassandraAsync(int node);

    Task ResumeCassandraAsync(int node);

    Task<int> ZooKeeperLeaderAsync();

    Task KillZooKeeperAsync(int server);

    Task RestartZooKeeperAsync(int server, CancellationToken cancellationToken);

    Task ExpireSessionAsync(ZooKeeperSessionCredentials credentials, CancellationToken cancellationToken);

    /// <summary>Ends every partition and brings every server back, so the run can drain and audit.</summary>
    Task RecoverAllAsync(CancellationToken cancellationToken);
}

/// <summary>Partitions between the servers of a reliability run (the containers kit's firewalls).</summary>
internal interface IServerPartitions
{
    /// <summary>Cuts Cassandra node <paramref name="node"/> (1-based) from the other nodes.</summary>
    Task IsolateCassandraAsync(int node);

    /// <summary>Cuts ZooKeeper server <paramref name="server"/> (0-based) from the other servers.</summary>
    Task IsolateZooKeeperAsync(int server);

    /// <summary>Ends every partition between Cassandra nodes.</summary>
    Task HealCassandraAsync();

    /// <summary>Ends every partition between ZooKeeper servers.</summary>
    Task HealZooKeeperAsync();
}
