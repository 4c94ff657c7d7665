using System.Globalization;
using System.Net;
using MusicRecipes.Cql;

namespace MusicRecipes.Testing;

/// <summary>
/// A real Apache Cassandra 2.1 cluster of N nodes on this machine, for tests: node i listens on 127.0.0.i with the
/// same ports as every other node, seeds 127.0.0.1, no auto-bootstrap, 16 tokens, short server timeouts. Nodes can be
/// killed, frozen (SIGSTOP), resumed and restarted. Disposing kills every JVM and deletes the data. JVMs also die
/// when the test host exits or is killed.
/// </summary>
/// <remarks>
/// Needs Java 17 and the distribution installed by <c>scripts/install-cassandra.sh</c> (or
/// <c>MUSIC_CASSANDRA_HOME</c>). Starting three nodes takes roughly 20-40 s on two cores, so share one cluster per
/// test project (an xunit collection fixture).
/// </remarks>
/// <example>
/// <code>
/// await using var cluster = await CassandraTestCluster.StartAsync(new CassandraTestClusterOptions { NodeCount = 3 }, ct);
/// await using var session = await CqlSession.ConnectAsync(cluster.CreateSessionOptions(), ct);
/// await cluster.KillAsync(3, ct);      // QUORUM still works with 2 of 3
/// await cluster.RestartAsync(3, ct);   // back to 3 before the next test
/// </code>
/// </example>
public sealed partial class CassandraTestCluster : IAsyncDisposable
{
    private const string ProbeKeyspace = "musicrecipes_testkit_probe";
    private readonly CassandraNodeProcess[] _nodes;
    private readonly string _baseDirectory;
    private readonly bool _ownsBaseDirectory;
    private int _disposed;

    private CassandraTestCluster(CassandraTestClusterOptions options, string home, string baseDirectory, bool ownsBaseDirectory)
    {
        Options = options;
        _baseDirectory = baseDirectory;
        _ownsBaseDirectory = ownsBaseDirectory;
        _nodes = Enumerable.Range(1, options.NodeCount)
            .Select(n => new CassandraNodeProcess(n, Path.Combine(baseDirectory, $"node{n}"), home, options))
            .ToArray();
    }

    /// <summary>The settings the cluster was started with.</summary>
    public CassandraTestClusterOptions Options { get; }

    /// <summary>Number of nodes.</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>The CQL port of every node.</summary>
    public int NativePort => Options.NativePort;

    /// <summary>Addresses of all nodes (127.0.0.1 … 127.0.0.N), to use as contact points.</summary>
    public IReadOnlyList<string> ContactPoints => _nodes.Select(n => AddressOf(n.Node)).ToList();

    /// <summary>The address of node <paramref name="node"/> (1-based).</summary>
    public static string AddressOf(int node) => $"127.0.0.{node.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The CQL endpoint of node <paramref name="node"/>.</summary>
    public IPEndPoint EndPointOf(int node) => new(IPAddress.Parse(AddressOf(node)), NativePort);

    /// <summary>Starts the cluster and waits until every node serves CQL and sees all the others up.</summary>
    /// <exception cref="TimeoutException">Not up within <see cref="CassandraTestClusterOptions.StartTimeout"/>; the message has the nodes' log tails.</exception>
    public static async Task<CassandraTestCluster> StartAsync(CassandraTestClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CassandraTestClusterOptions();
        options.Validate();
        var home = CassandraDistribution.Find(options.CassandraHome);
        var owns = options.BaseDirectory is null;
        var baseDirectory = options.BaseDirectory
            ?? Path.Combine(Path.GetTempPath(), "musicrecipes-cassandra", $"{options.NativePort}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(baseDirectory);
        var cluster = new CassandraTestCluster(options, home, baseDirectory, owns);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);

            // The seed first: the others gossip with it to join.
            cluster._nodes[0].Start();
            await cluster.WaitForCqlAsync(1, timeout.Token, cancellationToken).ConfigureAwait(false);
            foreach (var node in cluster._nodes.Skip(1))
            {
                node.Start();
            }

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

    /// <summary>
    /// Session options pointing at every node, with a request timeout above the servers' own timeouts (and the
    /// superuser's login where the nodes require one, and TLS trusting the test authority and presenting the kit's client
    /// certificate where the nodes serve TLS).
    /// </summary>
    public CqlSessionOptions CreateSessionOptions()
    {
        var options = CassandraKitSessionOptions.Create(NativePort, Options.WriteRequestTimeoutMs, Options.ReadRequestTimeoutMs, ContactPoints);
        LogInAsSuperuser(options);
        UseKitTls(options);
        return options;
    }

    /// <summary>Whether the node's JVM is running (paused counts as running).</summary>
    public bool IsRunning(int node) => Node(node).IsAlive;

    /// <summary>Whether the node is frozen by <see cref="PauseAsync"/>.</summary>
    public bool IsPaused(int node) => Node(node).IsPaused;

    /// <summary>Kills the node's JVM (SIGKILL), like a crash. Its data stays for <see cref="StartNodeAsync"/>.</summary>
    public Task KillAsync(int node, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Node(node).KillAsync();
    }

    /// <summary>Freezes the node (SIGSTOP): connections stay open but nothing answers.</summary>
    public Task PauseAsync(int node, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var process = Node(node);
        process.Pause();
        return Task.CompletedTask;
    }

    /// <summary>Unfreezes a paused node (SIGCONT).</summary>
    public Task ResumeAsync(int node, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var process = Node(node);
        process.Resume();
        return Task.CompletedTask;
    }

    /// <summary>Starts a killed node again on its data and waits until the whole cluster is up.</summary>
    public async Task StartNodeAsync(int node, CancellationToken cancellationToken = default)
    {
        var process = Node(node);
        if (process.IsAlive)
        {
            throw new InvalidOperationException($"Node {node} is running.");
        }

        process.Start();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.StartTimeout);
        await WaitForCqlAsync(node, timeout.Token, cancellationToken).ConfigureAwait(false);
        await WaitUntilAllUpAsync(timeout.Token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills the node (resuming it first if paused) and starts it again.</summary>
    public async Task RestartAsync(int node, CancellationToken cancellationToken = default)
    {
        await KillAsync(node, cancellationToken).ConfigureAwait(false);
        await StartNodeAsync(node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Brings every node back: resumes paused ones, starts killed ones, then waits until all see each other up.
    /// Handy in a test's cleanup so later tests get a whole cluster.
    /// </summary>
    public async Task EnsureAllUpAsync(CancellationToken cancellationToken = default)
    {
        foreach (var process in _nodes)
        {
            if (process.IsPaused)
            {
                await ResumeAsync(process.Node, cancellationToken).ConfigureAwait(false);
            }

            if (!process.IsAlive)
            {
                process.Start();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(Options.StartTimeout);
                await WaitForCqlAsync(process.Node, timeout.Token, cancellationToken).ConfigureAwait(false);
            }
        }

        using var allUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        allUp.CancelAfter(Options.StartTimeout);
        await WaitUntilAllUpAsync(allUp.Token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tail of a node's log (for diagnosing a failed test).</summary>
    public string LogTail(int node, int lines = 30) => Node(node).Tail(lines);

    /// <summary>Kills every node and deletes the data.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Task.WhenAll(_nodes.Select(n => n.KillAsync())).ConfigureAwait(false);
        if (_ownsBaseDirectory)
        {
            try
            {
                Directory.Delete(_baseDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a dying JVM; the temp folder is cleaned eventually.
            }
        }
    }

    private CassandraNodeProcess Node(int node)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(node, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(node, _nodes.Length);
        return _nodes[node - 1];
    }
}
