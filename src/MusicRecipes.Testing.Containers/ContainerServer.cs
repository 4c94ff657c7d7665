using System.Text;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace MusicRecipes.Testing.Containers;

/// <summary>
/// One server container on a <see cref="ContainerNetwork"/>: built and removed through Testcontainers, with a fixed
/// address on the network, its client port published on its own host loopback address, and <c>NET_ADMIN</c> so the
/// kit can set its firewall. Kill is a SIGKILL (a crash) and a later start runs it again on its writable layer (its
/// data); pause freezes it (the cgroup freezer: connections stay open and nothing answers).
/// </summary>
internal sealed class ContainerServer : IAsyncDisposable
{
    private readonly IContainer _container;

    private ContainerServer(string name, ContainerAddress address, int clientPort, IContainer container)
    {
        Name = name;
        Address = address;
        ClientPort = clientPort;
        _container = container;
    }

    /// <summary>The server's name in messages and in Docker ("zookeeper2", "cassandra1", plus the network's name).</summary>
    public string Name { get; }

    public ContainerAddress Address { get; }

    /// <summary>The client port, the same inside the container and on <see cref="ContainerAddress.HostAddress"/>.</summary>
    public int ClientPort { get; }

    public bool IsRunning { get; private set; }

    public bool IsPaused { get; private set; }

    /// <summary>
    /// Creates the container at <paramref name="address"/> (from <see cref="ContainerNetwork.Allocate"/>, done first for
    /// every server so that each one's configuration can name all the others); <paramref name="files"/> are copied in
    /// before it first starts.
    /// </summary>
    public static ContainerServer Create(
        ContainerNetwork network, ContainerAddress address, string name, string image, int clientPort, IReadOnlyDictionary<string, string> files, IReadOnlyDictionary<string, string> environment)
    {
        var port = $"{clientPort}/tcp";
        var builder = new ContainerBuilder(image)
            .WithImagePullPolicy(_ => false)
            .WithName($"{network.Name}-{name}")
            .WithHostname(name)
            .WithNetwork(network.Name)
            .WithLabel(DockerEngine.Labels)
            .WithLogger(NullLogger.Instance)
            .WithCleanUp(true)
            .WithEnvironment(environment.ToDictionary())
            .WithCreateParameterModifier(p =>
            {
                p.HostConfig ??= new HostConfig();
                p.HostConfig.CapAdd = ["NET_ADMIN"];

                // A fixed address (the network has a subnet of its own) and a fixed published port: both must be the
                // same after a kill and restart, which Testcontainers' random host ports are not.
                foreach (var endpoint in p.NetworkingConfig?.EndpointsConfig?.Values ?? [])
                {
                    endpoint.IPAMConfig = new EndpointIPAMConfig { IPv4Address = address.NetworkAddress };
                }

                p.ExposedPorts ??= new Dictionary<string, EmptyStruct>();
                p.ExposedPorts[port] = default;
                p.HostConfig.PortBindings = new Dictionary<string, IList<PortBinding>>
                {
                    [port] = [new PortBinding { HostIP = address.HostAddress, HostPort = clientPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }],
                };
            });
        foreach (var (path, content) in files)
        {
            builder = builder.WithResourceMapping(Encoding.UTF8.GetBytes(content), path);
        }

        return new ContainerServer(name, address, clientPort, builder.Build());
    }

    /// <summary>Starts the container the first time.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _container.StartAsync(cancellationToken).ConfigureAwait(false);
        IsRunning = true;
        IsPaused = false;
    }

    /// <summary>SIGKILLs the server's process (the container stops; its layer stays).</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (IsPaused)
        {
            await ResumeAsync(cancellationToken).ConfigureAwait(false);
        }

        if (await DockerEngine.IsRunningAsync(_container.Id, cancellationToken).ConfigureAwait(false))
        {
            await DockerEngine.KillAsync(_container.Id, cancellationToken).ConfigureAwait(false);
        }

        IsRunning = false;
    }

    /// <summary>Starts a killed server again on its data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await DockerEngine.StartAsync(_container.Id, cancellationToken).ConfigureAwait(false);
        IsRunning = true;
        IsPaused = false;
    }

    public async Task PauseAsync(CancellationToken cancellationToken)
    {
        await _container.PauseAsync(cancellationToken).ConfigureAwait(false);
        IsPaused = true;
    }

    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await _container.UnpauseAsync(cancellationToken).ConfigureAwait(false);
        IsPaused = false;
    }

    /// <summary>Runs a command inside the running container; throws with its output when it fails.</summary>
    public async Task ExecAsync(IList<string> command, CancellationToken cancellationToken)
    {
        var result = await _container.ExecAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Name}: `{string.Join(' ', command)}` exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
        }
    }

    /// <summary>The last lines of the server's output, for error messages.</summary>
    public async Task<string> LogTailAsync(int lines = 30)
    {
        try
        {
            var (stdout, stderr) = await _container.GetLogsAsync(timestampsEnabled: false).ConfigureAwait(false);
            var all = (stdout + stderr).Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"(no log: {e.Message})";
        }
    }

    /// <summary>
    /// Removes the container at once (a forced removal kills it: a graceful stop of a JVM takes seconds, and nothing
    /// else would reap it with the resource reaper off), then lets go of Testcontainers' handle.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await DockerEngine.RemoveAsync(_container.Id).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Docker.DotNet.DockerApiException or InvalidOperationException)
        {
            // Never created, or gone already.
        }

        try
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }
        catch (Docker.DotNet.DockerApiException)
        {
            // The handle's own clean-up found the container removed.
        }
    }
}
