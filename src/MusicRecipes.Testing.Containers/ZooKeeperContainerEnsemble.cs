using System.Diagnostics;
using System.Globalization;
using System.Net;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Testing.Containers;

/// <summary>
/// A real ZooKeeper ensemble in Docker containers, for tests: server i (0-based) has an address of its own on a
/// user-defined network and serves clients on <see cref="ConnectionStringFor"/> (its host loopback address, port
/// 2181). What the process kit's <see cref="ZooKeeperTestEnsemble"/> does — kill, restart, expire a session — plus
/// pause (freeze) and real partitions between servers: <see cref="PartitionAsync"/>, <see cref="IsolateAsync"/>,
/// <see cref="HealAsync"/>. For a delay or a cut between a client and a server, put a
/// <see cref="Network.TcpFaultProxy"/> in front of <see cref="EndPointOf"/>. Disposing removes the containers (and
/// the network, when the ensemble made it).
/// </summary>
/// <example>
/// <code>
/// await using var zk = await ZooKeeperContainerEnsemble.StartAsync(new ZooKeeperContainerEnsembleOptions { ServerCount = 3 });
/// await using var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = zk.ConnectionString });
/// var leader = await zk.LeaderIndexAsync();
/// await zk.IsolateAsync(leader);   // the other two elect a new leader; the old one stops serving its clients
/// await zk.HealAsync();
/// </code>
/// </example>
public sealed class ZooKeeperContainerEnsemble : IAsyncDisposable
{
    private readonly ContainerServer[] _servers;
    private readonly ContainerNetwork? _ownedNetwork;
    private readonly ServerFirewall _firewall = new();
    private readonly ZooKeeperContainerEnsembleOptions _options;

    private ZooKeeperContainerEnsemble(ContainerServer[] servers, ContainerNetwork? ownedNetwork, ZooKeeperContainerEnsembleOptions options)
    {
        _servers = servers;
        _ownedNetwork = ownedNetwork;
        _options = options;
    }

    /// <summary>Every server: "127.0.K.a:2181,127.0.K.b:2181,…".</summary>
    public string ConnectionString => string.Join(',', Enumerable.Range(0, _servers.Length).Select(ConnectionStringFor));

    /// <summary>The number of servers.</summary>
    public int ServerCount => _servers.Length;

    /// <summary>Starts the servers and waits until all serve and one leads.</summary>
    /// <exception cref="TimeoutException">Not serving within <see cref="ZooKeeperContainerEnsembleOptions.StartTimeout"/>; the message has the logs.</exception>
    public static async Task<ZooKeeperContainerEnsemble> StartAsync(ZooKeeperContainerEnsembleOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ZooKeeperContainerEnsembleOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ServerCount, 1);
        var owned = options.Network is null ? await ContainerNetwork.CreateAsync(cancellationToken).ConfigureAwait(false) : null;
        var network = options.Network ?? owned!;
        var addresses = Enumerable.Range(0, options.ServerCount).Select(_ => network.Allocate(ZooKeeperContainerConfig.ClientPort)).ToList();
        var servers = addresses.Select((address, i) => ContainerServer.Create(
            network,
            address,
            "zookeeper" + (i + 1).ToString(CultureInfo.InvariantCulture),
            options.Image,
            ZooKeeperContainerConfig.ClientPort,
            ZooKeeperContainerConfig.Files(i + 1, addresses.Select(a => a.NetworkAddress).ToList(), options),
            ZooKeeperContainerConfig.Environment(options))).ToArray();
        var ensemble = new ZooKeeperContainerEnsemble(servers, owned, options);
        try
        {
            await Task.WhenAll(servers.Select(s => s.StartAsync(cancellationToken))).ConfigureAwait(false);
            await ensemble.WaitUntilServingAsync(servers, cancellationToken).ConfigureAwait(false);
            return ensemble;
        }
        catch
        {
            await ensemble.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The connection string of server <paramref name="index"/> (0-based) alone.</summary>
    public string ConnectionStringFor(int index)
    {
        var endpoint = EndPointOf(index);
        return $"{endpoint.Address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Where clients reach server <paramref name="index"/> on this host (for a <see cref="Network.TcpFaultProxy"/> in front of it).</summary>
    public IPEndPoint EndPointOf(int index)
    {
        var server = Server(index);
        return new IPEndPoint(IPAddress.Parse(server.Address.HostAddress), server.ClientPort);
    }

    /// <summary>The 0-based index of the server at <paramref name="endpoint"/> (e.g. <see cref="ZooKeeperClient.ConnectedServer"/>), or -1.</summary>
    public int ServerIndexOf(DnsEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return Array.FindIndex(_servers, s => s.Address.HostAddress == endpoint.Host);
    }

    /// <summary>True while server <paramref name="index"/> runs (a paused one counts as running).</summary>
    public bool IsRunning(int index) => Server(index).IsRunning;

    /// <summary>True while server <paramref name="index"/> is frozen by <see cref="PauseAsync"/>.</summary>
    public bool IsPaused(int index) => Server(index).IsPaused;

    /// <summary>"leader", "follower" or "standalone" for server <paramref name="index"/>, or <c>null</c> if it does not serve.</summary>
    public Task<string?> ModeOfAsync(int index, CancellationToken cancellationToken = default)
    {
        var server = Server(index);
        return server.IsRunning && !server.IsPaused
            ? ZooKeeperFourLetterWords.ModeAsync(server.Address.HostAddress, server.ClientPort, cancellationToken)
            : Task.FromResult<string?>(null);
    }

    /// <summary>The index of the server that leads now (or the standalone server), or -1.</summary>
    public async Task<int> LeaderIndexAsync(CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            if (await ModeOfAsync(i, cancellationToken).ConfigureAwait(false) is "leader" or "standalone")
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Kills server <paramref name="index"/> with SIGKILL (a crash: no goodbye to clients or peers).</summary>
    public Task KillAsync(int index, CancellationToken cancellationToken = default) => Server(index).KillAsync(cancellationToken);

    /// <summary>Starts a killed server again on its data and waits until it serves (and a leader is elected).</summary>
    /// <exception cref="TimeoutException">It did not serve within <see cref="ZooKeeperContainerEnsembleOptions.StartTimeout"/>.</exception>
    public async Task RestartAsync(int index, CancellationToken cancellationToken = default)
    {
        var server = Server(index);
        if (!server.IsRunning)
        {
            await server.RestartAsync(cancellationToken).ConfigureAwait(false);

            // A restarted container has a fresh firewall: a cut still in force must hold for it too.
            await _firewall.ApplyAsync(server, cancellationToken).ConfigureAwait(false);
        }

        await WaitUntilServingAsync([server], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Freezes server <paramref name="index"/>: its connections stay open and nothing answers.</summary>
    public Task PauseAsync(int index, CancellationToken cancellationToken = default) => Server(index).PauseAsync(cancellationToken);

    /// <summary>Unfreezes a paused server.</summary>
    public async Task ResumeAsync(int index, CancellationToken cancellationToken = default)
    {
        var server = Server(index);
        await server.ResumeAsync(cancellationToken).ConfigureAwait(false);
        await _firewall.ApplyAsync(server, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cuts servers <paramref name="a"/> and <paramref name="b"/> from each other (both ways, silently) until <see cref="HealAsync"/>.</summary>
    public Task PartitionAsync(int a, int b, CancellationToken cancellationToken = default) =>
        _firewall.CutAsync([Server(a)], [Server(b)], cancellationToken);

    /// <summary>Cuts server <paramref name="index"/> from every other server until <see cref="HealAsync"/>; its clients still reach it.</summary>
    public Task IsolateAsync(int index, CancellationToken cancellationToken = default) =>
        _firewall.CutAsync([Server(index)], _servers, cancellationToken);

    /// <summary>Ends every partition.</summary>
    public Task HealAsync(CancellationToken cancellationToken = default) => _firewall.HealAsync(cancellationToken);

    /// <summary>
    /// Expires <paramref name="client"/>'s session (Curator's KillSession): another connection takes the session over
    /// and closes it, so the ensemble deletes its ephemeral nodes at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client has no session.</exception>
    public Task ExpireSessionAsync(ZooKeeperClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var credentials = client.SessionCredentials ?? throw new InvalidOperationException("The client has no session to expire.");
        return ExpireSessionAsync(credentials, cancellationToken);
    }

    /// <summary>Expires the session with these credentials.</summary>
    public Task ExpireSessionAsync(ZooKeeperSessionCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return ZooKeeperSessionKiller.ExpireAsync(ConnectionString, credentials, cancellationToken);
    }

    /// <summary>The last lines of server <paramref name="index"/>'s log.</summary>
    public Task<string> LogTailAsync(int index, int lines = 30) => Server(index).LogTailAsync(lines);

    /// <summary>Removes the containers, then the network if the ensemble created it.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownedNetwork is not null)
        {
            await _ownedNetwork.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal ContainerServer Server(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _servers.Length);
        return _servers[index];
    }

    internal ServerFirewall Firewall => _firewall;

    /// <summary>Waits until each of <paramref name="servers"/> serves and some server leads.</summary>
    private async Task WaitUntilServingAsync(IReadOnlyList<ContainerServer> servers, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < _options.StartTimeout)
        {
            var serving = true;
            foreach (var server in servers)
            {
                serving &= await ZooKeeperFourLetterWords.ModeAsync(server.Address.HostAddress, server.ClientPort, cancellationToken).ConfigureAwait(false) is not null;
            }

            if (serving && await LeaderIndexAsync(cancellationToken).ConfigureAwait(false) >= 0)
            {
                return;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        var logs = await Task.WhenAll(servers.Select(async s => $"--- {s.Name}:\n{await s.LogTailAsync().ConfigureAwait(false)}")).ConfigureAwait(false);
        throw new TimeoutException($"ZooKeeper in containers did not serve within {_options.StartTimeout.TotalSeconds:F0} s.\n{string.Join('\n', logs)}");
    }
}
