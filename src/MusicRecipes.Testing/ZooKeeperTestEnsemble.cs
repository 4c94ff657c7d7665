using System.Diagnostics;
using System.Globalization;
using System.Net;
using MusicRecipes.Testing.Tls;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Testing;

/// <summary>
/// Real ZooKeeper servers for tests, like Curator's TestingServer/TestingCluster: a standalone server or an ensemble
/// on 127.0.0.1, started as child Java processes from the installed ZooKeeper jars (<c>scripts/install-zookeeper.sh</c>).
/// Kill and restart servers, and expire a client's session on demand. Disposing kills the processes and deletes
/// the data; the processes also die if the test host exits or crashes.
/// </summary>
/// <example>
/// <code>
/// await using var zk = await ZooKeeperTestEnsemble.StartAsync(new ZooKeeperTestEnsembleOptions { ServerCount = 3, BaseClientPort = 22181 });
/// await using var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = zk.ConnectionString });
/// await zk.KillAsync(zk.ServerIndexOf(client.ConnectedServer!));   // the client fails over to another server
/// await zk.ExpireSessionAsync(client);                              // the client reports Lost
/// </code>
/// </example>
public sealed class ZooKeeperTestEnsemble : IAsyncDisposable
{
    /// <summary>How often a restart starts a server that exited because its port was taken at the moment it bound.</summary>
    private const int BindAttempts = 3;

    private readonly ZooKeeperTestEnsembleOptions _options;
    private readonly ZooKeeperServerProcess[] _servers;
    private readonly bool _ownsDataRoot;

    private ZooKeeperTestEnsemble(ZooKeeperTestEnsembleOptions options, string dataRoot, bool ownsDataRoot)
    {
        _options = options;
        DataRoot = dataRoot;
        _ownsDataRoot = ownsDataRoot;
        var classpath = options.Classpath ?? ZooKeeperClasspath.Find();
        _servers = Enumerable.Range(1, options.ServerCount)
            .Select(id => new ZooKeeperServerProcess(id, Path.Combine(dataRoot, "zk" + id.ToString(CultureInfo.InvariantCulture)), options, classpath))
            .ToArray();
    }

    /// <summary>All servers: "127.0.0.1:p1,127.0.0.1:p2,...".</summary>
    public string ConnectionString => string.Join(',', _servers.Select(s => Loopback(s.ClientPort)));

    /// <summary>
    /// All servers' secure client ports, "127.0.0.1:s1,127.0.0.1:s2,..." (<see cref="ZooKeeperTestEnsembleOptions.Tls"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The ensemble has no TLS.</exception>
    public string SecureConnectionString => string.Join(',', _servers.Select(s => Loopback(SecurePortOf(s))));

    /// <summary>The number of servers.</summary>
    public int ServerCount => _servers.Length;

    /// <summary>Where the servers keep their data, configuration and logs (server.log per server).</summary>
    public string DataRoot { get; }

    /// <summary>Starts the servers and waits until they serve (for an ensemble: until a leader is elected and all follow it).</summary>
    /// <exception cref="TimeoutException">Not ready within <see cref="ZooKeeperTestEnsembleOptions.StartTimeout"/>; the servers' logs are in the message.</exception>
    public static async Task<ZooKeeperTestEnsemble> StartAsync(ZooKeeperTestEnsembleOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ZooKeeperTestEnsembleOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ServerCount, 1);
        var ownsRoot = options.DataRoot is null;
        var root = options.DataRoot ?? Path.Combine(Path.GetTempPath(), "musicrecipes-zk-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var ensemble = new ZooKeeperTestEnsemble(options, root, ownsRoot);
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (var server in ensemble._servers)
            {
                await ensemble.StartServerAsync(server, clock, cancellationToken).ConfigureAwait(false);
            }

            if (await ensemble.WaitUntilServingAsync(clock, cancellationToken).ConfigureAwait(false) is { } exited)
            {
                throw Exited(exited);
            }

            return ensemble;
        }
        catch
        {
            await ensemble.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The connection string of server <paramref name="index"/> (0-based) alone.</summary>
    public string ConnectionStringFor(int index) => Loopback(Server(index).ClientPort);

    /// <summary>The secure connection string of server <paramref name="index"/> (0-based) alone.</summary>
    public string SecureConnectionStringFor(int index) => Loopback(SecurePortOf(Server(index)));

    /// <summary>
    /// Client options for the secure ports (<see cref="SecureConnectionString"/>, or <paramref name="connectionString"/>)
    /// with TLS that trusts the test authority only and presents <see cref="TestServerTls.ClientCertificate"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The ensemble has no TLS.</exception>
    public ZooKeeperClientOptions CreateSecureClientOptions(string? connectionString = null)
    {
        var tls = _options.Tls ?? throw new InvalidOperationException("The ensemble was started without ZooKeeperTestEnsembleOptions.Tls.");
        return new ZooKeeperClientOptions
        {
            ConnectionString = connectionString ?? SecureConnectionString,
            Tls = tls.CreateClientOptions(),
        };
    }

    /// <summary>The 0-based index of the server at <paramref name="endpoint"/> (e.g. <see cref="ZooKeeperClient.ConnectedServer"/>), by its client or secure client port.</summary>
    public int ServerIndexOf(DnsEndPoint endpoint) => Array.FindIndex(_servers, s => s.ClientPort == endpoint.Port || s.SecureClientPort == endpoint.Port);

    /// <summary>True while server <paramref name="index"/> runs.</summary>
    public bool IsRunning(int index) => Server(index).IsRunning;

    /// <summary>"leader", "follower" or "standalone" for server <paramref name="index"/>, or <c>null</c> if it does not serve.</summary>
    public Task<string?> ModeOfAsync(int index, CancellationToken cancellationToken = default) =>
        ZooKeeperFourLetterWords.ModeAsync(Server(index).ClientPort, cancellationToken);

    /// <summary>The index of the current leader (or the standalone server), or -1.</summary>
    public async Task<int> LeaderIndexAsync(CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            if (_servers[i].IsRunning && await ModeOfAsync(i, cancellationToken).ConfigureAwait(false) is "leader" or "standalone")
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Kills server <paramref name="index"/> with SIGKILL (a crash: no goodbye to clients or peers).</summary>
    public Task KillAsync(int index, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Server(index).KillAsync();
    }

    /// <summary>
    /// Starts a killed server again (same data and ports) and waits until the ensemble serves with it. While another
    /// socket holds one of its ports (say a connection that left it in TIME_WAIT) it waits for the port first; if the
    /// port is taken again between that check and the server's bind, the server exits and is started once more.
    /// </summary>
    /// <exception cref="TimeoutException">Not serving within <see cref="ZooKeeperTestEnsembleOptions.StartTimeout"/>; the message says why, with the logs.</exception>
    /// <exception cref="InvalidOperationException">The server exited (the message has the reason and its log), or a port stayed taken.</exception>
    public async Task RestartAsync(int index, CancellationToken cancellationToken = default)
    {
        var server = Server(index);
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            if (!server.IsRunning)
            {
                await StartServerAsync(server, clock, cancellationToken).ConfigureAwait(false);
            }

            var exited = await WaitUntilServingAsync(clock, cancellationToken).ConfigureAwait(false);
            if (exited is null)
            {
                return;
            }

            if (exited != server || exited.BindFailures().Count == 0 || attempt == BindAttempts)
            {
                throw Exited(exited);
            }

            await exited.KillAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Expires <paramref name="client"/>'s session (Curator's KillSession): a second connection presents the same
    /// session id and password, then closes the session. The ensemble deletes the session's ephemeral nodes at once,
    /// and <paramref name="client"/> learns on its next reconnect that its session is gone
    /// (<see cref="ZooKeeperConnectionState.Lost"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The client has no session.</exception>
    public async Task ExpireSessionAsync(ZooKeeperClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var credentials = client.SessionCredentials ?? throw new InvalidOperationException("The client has no session to expire.");
        await ExpireSessionAsync(credentials, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Expires the session with these credentials (see <see cref="ExpireSessionAsync(ZooKeeperClient, CancellationToken)"/>).</summary>
    public async Task ExpireSessionAsync(ZooKeeperSessionCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        await ZooKeeperSessionKiller.ExpireAsync(ConnectionString, credentials, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills every server and deletes the data directories.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.KillAsync().ConfigureAwait(false);
        }

        if (_ownsDataRoot)
        {
            try
            {
                Directory.Delete(DataRoot, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a dying process: leave the temporary folder to the OS.
            }
        }
    }

    private ZooKeeperServerProcess Server(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _servers.Length);
        return _servers[index];
    }

    /// <summary>Waits until none of the server's ports is held by another socket (TIME_WAIT lasts 60 s), then starts it.</summary>
    private async Task StartServerAsync(ZooKeeperServerProcess server, Stopwatch clock, CancellationToken cancellationToken)
    {
        server.KillStale();
        while (server.BusyPort() is { } busy)
        {
            if (clock.Elapsed >= _options.StartTimeout)
            {
                throw new InvalidOperationException(
                    $"ZooKeeper server {server.Id} cannot listen on port {busy}, held for {_options.StartTimeout.TotalSeconds:F0} s by: {LocalPorts.DescribeUsers(busy)}.{LocalPorts.Hint(server.Ports)}");
            }

            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }

        server.Start();
    }

    /// <summary>Waits until every running server serves and one leads; returns a server whose JVM exited meanwhile, else <c>null</c>.</summary>
    private async Task<ZooKeeperServerProcess?> WaitUntilServingAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        while (clock.Elapsed < _options.StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await AllRunningServeAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            if (_servers.FirstOrDefault(s => s.IsRunning && s.JavaHasExited) is { } dead)
            {
                return dead;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException(
            $"ZooKeeper ({_servers.Length} server(s) from port {_options.BaseClientPort}) did not serve within {_options.StartTimeout.TotalSeconds:F0} s."
            + LocalPorts.Hint(_servers.SelectMany(s => s.Ports)) + "\n"
            + string.Join('\n', _servers.Select(s => $"--- server {s.Id} ({(s.IsRunning ? "running" : "killed")}){ZooKeeperBindFailures.Describe(s)}:\n{s.Tail()}")));
    }

    private static InvalidOperationException Exited(ZooKeeperServerProcess server) =>
        new($"ZooKeeper server {server.Id} exited{ZooKeeperBindFailures.Describe(server)}. Its log:\n{server.Tail()}");

    /// <summary>True when every running server serves (<c>srvr</c> names its mode; it does not while electing) and one leads.</summary>
    private async Task<bool> AllRunningServeAsync(CancellationToken cancellationToken)
    {
        var sawLeader = false;
        foreach (var server in _servers.Where(s => s.IsRunning))
        {
            var mode = await ZooKeeperFourLetterWords.ModeAsync(server.ClientPort, cancellationToken).ConfigureAwait(false);
            if (mode is null)
            {
                return false;
            }

            sawLeader |= mode is "leader" or "standalone";
        }

        return sawLeader;
    }

    private static string Loopback(int port) => "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    private static int SecurePortOf(ZooKeeperServerProcess server) =>
        server.SecureClientPort ?? throw new InvalidOperationException("The ensemble was started without ZooKeeperTestEnsembleOptions.Tls.");
}
