using System.Globalization;
using System.Net;
using MusicRecipes.Cql;

namespace MusicRecipes.Testing.Containers;

/// <summary>
/// A real Apache Cassandra 2.1 cluster of N nodes in Docker containers, for tests: node i (1-based) has an address of
/// its own on a user-defined network and serves CQL on its own host loopback address (<see cref="EndPointOf"/>), which
/// it also advertises to clients, so a session discovers every node as it would on a real network. The cassandra.yaml
/// and JVM flags are the process kit's (<see cref="CassandraTestCluster"/>). What that kit does — kill, pause, resume,
/// restart — plus real partitions between nodes: <see cref="PartitionAsync"/>, <see cref="IsolateAsync"/>,
/// <see cref="HealAsync"/>. For a delay or a cut between a client and a node, connect through a
/// <see cref="Network.TcpFaultProxy"/> in front of <see cref="EndPointOf"/> with peer discovery off.
/// </summary>
/// <example>
/// <code>
/// await using var cluster = await CassandraContainerCluster.StartAsync(new CassandraContainerClusterOptions { NodeCount = 3 });
/// await using var session = await CqlSession.ConnectAsync(cluster.CreateSessionOptions());
/// await cluster.IsolateAsync(3);   // node 3 is cut from nodes 1 and 2: QUORUM through it becomes unavailable
/// await cluster.HealAsync();
/// </code>
/// </example>
public sealed partial class CassandraContainerCluster : IAsyncDisposable
{
    private const string ProbeKeyspace = "musicrecipes_containerkit_probe";
    private readonly ContainerServer[] _nodes;
    private readonly ContainerNetwork? _ownedNetwork;
    private readonly ServerFirewall _firewall = new();

    private CassandraContainerCluster(CassandraContainerClusterOptions options, ContainerServer[] nodes, ContainerNetwork? ownedNetwork)
    {
        Options = options;
        _nodes = nodes;
        _ownedNetwork = ownedNetwork;
    }

    /// <summary>The settings the cluster was started with.</summary>
    public CassandraContainerClusterOptions Options { get; }

    /// <summary>Number of nodes.</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>The CQL port of every node (each on its own host address).</summary>
    public int NativePort => Options.NativePort;

    /// <summary>Every node's host address, to use as contact points (with <see cref="NativePort"/>).</summary>
    public IReadOnlyList<string> ContactPoints => _nodes.Select(n => n.Address.HostAddress).ToList();

    /// <summary>Where clients reach node <paramref name="node"/> (1-based) on this host.</summary>
    public IPEndPoint EndPointOf(int node) => new(IPAddress.Parse(Node(node).Address.HostAddress), NativePort);

    /// <summary>The host address of node <paramref name="node"/> (1-based), as a contact point.</summary>
    public string AddressOf(int node) => Node(node).Address.HostAddress;

    /// <summary>Starts the cluster (the seed first) and waits until every node serves CQL and sees all the others up.</summary>
    /// <exception cref="TimeoutException">Not up within <see cref="CassandraContainerClusterOptions.StartTimeout"/>; the message has the nodes' logs.</exception>
    public static async Task<CassandraContainerCluster> StartAsync(CassandraContainerClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CassandraContainerClusterOptions();
        options.Validate();
        var owned = options.Network is null ? await ContainerNetwork.CreateAsync(cancellationToken).ConfigureAwait(false) : null;
        var network = options.Network ?? owned!;
        var addresses = Enumerable.Range(0, options.NodeCount).Select(_ => network.Allocate(options.NativePort)).ToList();
        var nodes = addresses.Select((address, i) => ContainerServer.Create(
            network,
            address,
            "cassandra" + (i + 1).ToString(CultureInfo.InvariantCulture),
            options.Image,
            options.NativePort,
            CassandraContainerConfig.Files(i + 1, address, addresses[0].NetworkAddress, options),
            CassandraContainerConfig.Environment(options))).ToArray();
        var cluster = new CassandraContainerCluster(options, nodes, owned);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);

            // The seed first: the others gossip with it to join.
            await nodes[0].StartAsync(cancellationToken).ConfigureAwait(false);
            await cluster.WaitForCqlAsync(1, timeout.Token, cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(nodes.Skip(1).Select(n => n.StartAsync(cancellationToken))).ConfigureAwait(false);
            for (var n = 2; n <= cluster.NodeCount; n++)
            {
                await cluster.WaitForCqlAsync(n, timeout.Token, cancellationToken).ConfigureAwait(false);
            }

            await cluster.WaitUntilAllUpAsync(timeout.Token, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Session options pointing at every node, with a request timeout above the servers' own timeouts.</summary>
    public CqlSessionOptions CreateSessionOptions()
    {
        var options = CassandraKitSessionOptions.Create(NativePort, Options.WriteRequestTimeoutMs, Options.ReadRequestTimeoutMs, ContactPoints);
        return options;
    }

    /// <summary>Whether the node's container runs (paused counts as running).</summary>
    public bool IsRunning(int node) => Node(node).IsRunning;

    /// <summary>Whether the node is frozen by <see cref="PauseAsync"/>.</summary>
    public bool IsPaused(int node) => Node(node).IsPaused;

    /// <summary>Kills the node's JVM (SIGKILL), like a crash. Its data stays for <see cref="StartNodeAsync"/>.</summary>
    public Task KillAsync(int node, CancellationToken cancellationToken = default) => Node(node).KillAsync(cancellationToken);

    /// <summary>Freezes the node: connections stay open but nothing answers.</summary>
    public Task PauseAsync(int node, CancellationToken cancellationToken = default) => Node(node).PauseAsync(cancellationToken);

    /// <summary>Unfreezes a paused node.</summary>
    public async Task ResumeAsync(int node, CancellationToken cancellationToken = default)
    {
        var server = Node(node);
        await server.ResumeAsync(cancellationToken).ConfigureAwait(false);
        await _firewall.ApplyAsync(server, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a killed node again on its data and waits until the whole cluster is up (unless a partition keeps it apart: then until it serves).</summary>
    public async Task StartNodeAsync(int node, CancellationToken cancellationToken = default)
    {
        var server = Node(node);
        if (server.IsRunning)
        {
            throw new InvalidOperationException($"Node {node} is running.");
        }

        await server.RestartAsync(cancellationToken).ConfigureAwait(false);

        // A restarted container has a fresh firewall: a cut still in force must hold for it too.
        await _firewall.ApplyAsync(server, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.StartTimeout);
        await WaitForCqlAsync(node, timeout.Token, cancellationToken).ConfigureAwait(false);
        if (!_nodes.Any(other => other != server && _firewall.IsCut(server, other)))
        {
            await WaitUntilAllUpAsync(timeout.Token, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the node and starts it again.</summary>
    public async Task RestartAsync(int node, CancellationToken cancellationToken = default)
    {
        await KillAsync(node, cancellationToken).ConfigureAwait(false);
        await StartNodeAsync(node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cuts nodes <paramref name="a"/> and <paramref name="b"/> from each other (both ways, silently) until <see cref="HealAsync"/>.</summary>
    public Task PartitionAsync(int a, int b, CancellationToken cancellationToken = default) =>
        _firewall.CutAsync([Node(a)], [Node(b)], cancellationToken);

    /// <summary>Cuts node <paramref name="node"/> from every other node until <see cref="HealAsync"/>; its clients still reach it.</summary>
    public Task IsolateAsync(int node, CancellationToken cancellationToken = default) =>
        _firewall.CutAsync([Node(node)], _nodes, cancellationToken);

    /// <summary>Ends every partition.</summary>
    public Task HealAsync(CancellationToken cancellationToken = default) => _firewall.HealAsync(cancellationToken);

    /// <summary>
    /// Brings every node back — heals partitions, resumes paused nodes, starts killed ones — then waits until all see
    /// each other up. Handy in a test's cleanup so later tests get a whole cluster.
    /// </summary>
    public async Task EnsureAllUpAsync(CancellationToken cancellationToken = default)
    {
        await HealAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.StartTimeout);
        for (var node = 1; node <= NodeCount; node++)
        {
            var server = Node(node);
            if (server.IsPaused)
            {
                await ResumeAsync(node, cancellationToken).ConfigureAwait(false);
            }

            if (!server.IsRunning)
            {
                await server.RestartAsync(cancellationToken).ConfigureAwait(false);
                await WaitForCqlAsync(node, timeout.Token, cancellationToken).ConfigureAwait(false);
            }
        }

        await WaitUntilAllUpAsync(timeout.Token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The last lines of a node's log (for diagnosing a failed test).</summary>
    public Task<string> LogTailAsync(int node, int lines = 30) => Node(node).LogTailAsync(lines);

    /// <summary>Removes the containers, then the network if the cluster created it.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask())).ConfigureAwait(false);
        if (_ownedNetwork is not null)
        {
            await _ownedNetwork.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal ContainerServer Node(int node)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(node, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(node, _nodes.Length);
        return _nodes[node - 1];
    }
}
