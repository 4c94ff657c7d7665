using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;

namespace MusicRecipes.Testing.Containers;

/// <summary>
/// A user-defined Docker network for the servers of one test fixture, with a subnet of its own (10.201.X.0/24), so
/// every server gets a fixed address that survives a kill and restart, and a block of host loopback addresses
/// (127.0.K.0/24) on which their client ports are published: container 10.201.X.n serves clients on 127.0.K.n, at
/// its own port number. A Cassandra driver that learns a node's address from system.peers can then reach it, on the
/// cluster's one native port, as it would on a real network.
/// </summary>
/// <example>
/// <code>
/// await using var network = await ContainerNetwork.CreateAsync();
/// var zooKeeper = await ZooKeeperContainerEnsemble.StartAsync(new ZooKeeperContainerEnsembleOptions { Network = network });
/// var cassandra = await CassandraContainerCluster.StartAsync(new CassandraContainerClusterOptions { Network = network });
/// </code>
/// </example>
public sealed class ContainerNetwork : IAsyncDisposable
{
    private const int FirstHostNumber = 10;
    private readonly INetwork _network;
    private readonly int _subnet;
    private readonly int _loopbackBlock;
    private int _next = FirstHostNumber;

    private ContainerNetwork(INetwork network, int subnet, int loopbackBlock)
    {
        _network = network;
        _subnet = subnet;
        _loopbackBlock = loopbackBlock;
    }

    /// <summary>The Docker network's name.</summary>
    public string Name => _network.Name;

    /// <summary>The address of the host on this network (its gateway): where every client connection appears to come from.</summary>
    public string Gateway => NetworkAddress(1);

    /// <summary>Creates the network, trying other subnets while Docker reports an overlap with an existing one.</summary>
    public static async Task<ContainerNetwork> CreateAsync(CancellationToken cancellationToken = default)
    {
        await DockerEngine.RemoveOrphansAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var subnet = Random.Shared.Next(0, 256);
            var network = new NetworkBuilder()
                .WithName("musicrecipes-" + Guid.NewGuid().ToString("N")[..10])
                .WithLabel(DockerEngine.Labels)
            .WithLogger(NullLogger.Instance)
                .WithCleanUp(true)
                .WithCreateParameterModifier(p => p.IPAM = new IPAM
                {
                    Config = [new IPAMConfig { Subnet = $"10.201.{Int(subnet)}.0/24", Gateway = $"10.201.{Int(subnet)}.1" }],
                })
                .Build();
            try
            {
                await network.CreateAsync(cancellationToken).ConfigureAwait(false);
                return new ContainerNetwork(network, subnet, Random.Shared.Next(100, 250));
            }
            catch (DockerApiException e) when (attempt < 10 && e.Message.Contains("overlap", StringComparison.OrdinalIgnoreCase))
            {
                // Another fixture's network (or the machine's own) has this subnet: draw again.
            }
        }
    }

    /// <summary>
    /// The next free host number n: the server gets 10.201.X.n on the network and 127.0.K.n on the host, where
    /// <paramref name="clientPort"/> must be free to publish (a number whose address is taken is passed over).
    /// </summary>
    internal ContainerAddress Allocate(int clientPort)
    {
        while (true)
        {
            var number = Interlocked.Increment(ref _next) - 1;
            if (number > 254)
            {
                throw new InvalidOperationException("The network has no free address left.");
            }

            var address = new ContainerAddress(NetworkAddress(number), $"127.0.{Int(_loopbackBlock)}.{Int(number)}");
            if (CanListen(address.HostAddress, clientPort))
            {
                return address;
            }
        }
    }

    /// <summary>Removes the network (its containers must be gone first).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _network.DeleteAsync().ConfigureAwait(false);
        }
        catch (DockerApiException)
        {
            // A container that could not be removed still holds it; the next kit start removes both as orphans.
        }

        await _network.DisposeAsync().ConfigureAwait(false);
    }

    private string NetworkAddress(int number) => $"10.201.{Int(_subnet)}.{Int(number)}";

    private static bool CanListen(string address, int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
