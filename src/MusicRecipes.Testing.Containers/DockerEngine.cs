using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;

namespace MusicRecipes.Testing.Containers;

/// <summary>
/// The Docker Engine API, for what Testcontainers' container handle does not do: kill with SIGKILL (a crash), start a
/// killed container again on its writable layer, and remove what an earlier test host left behind. Testcontainers'
/// resource reaper is off (its image cannot be pulled here), so every container and network the kit creates carries
/// the creating process's id, and a kit that starts removes those of processes that are gone.
/// </summary>
internal static class DockerEngine
{
    public const string KitLabel = "org.musicrecipes.kit";
    public const string OwnerLabel = "org.musicrecipes.owner-pid";

    private static readonly Lazy<DockerClient> SharedClient = new(CreateClient);

    /// <summary>The client on the endpoint Testcontainers found (DOCKER_HOST, ~/.testcontainers.properties, the socket).</summary>
    public static DockerClient Client => SharedClient.Value;

    /// <summary>The labels of everything the kit creates.</summary>
    public static IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string>
    {
        [KitLabel] = "containers",
        [OwnerLabel] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Turns Testcontainers' resource reaper off before the first builder is made: it needs a pulled image.</summary>
    public static void DisableResourceReaper()
    {
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        TestcontainersSettings.ResourceReaperEnabled = false;
    }

    public static Task KillAsync(string containerId, CancellationToken cancellationToken) =>
        Client.Containers.KillContainerAsync(containerId, new ContainerKillParameters { Signal = "KILL" }, cancellationToken);

    public static Task StartAsync(string containerId, CancellationToken cancellationToken) =>
        Client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken);

    public static Task RemoveAsync(string containerId) =>
        Client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });

    public static async Task<bool> IsRunningAsync(string containerId, CancellationToken cancellationToken)
    {
        var inspect = await Client.Containers.InspectContainerAsync(containerId, cancellationToken).ConfigureAwait(false);
        return inspect.State?.Running == true;
    }

    /// <summary>Removes the kit's containers and networks whose creating process has exited (a test host that was killed).</summary>
    public static async Task RemoveOrphansAsync(CancellationToken cancellationToken)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [KitLabel] = true } };
        var containers = await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken).ConfigureAwait(false);
        foreach (var container in containers.Where(c => IsOrphan(c.Labels)))
        {
            await Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
        }

        var networks = await Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false);
        foreach (var network in networks.Where(n => IsOrphan(n.Labels)))
        {
            await Client.Networks.DeleteNetworkAsync(network.ID, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsOrphan(IDictionary<string, string>? labels) =>
        labels is not null
        && labels.TryGetValue(OwnerLabel, out var owner)
        && int.TryParse(owner, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
        && pid != Environment.ProcessId
        && !ChildServerProcess.IsAlive(pid);

    /// <summary>
    /// Makes Testcontainers speak the daemon's API version where that is older than its own default: Testcontainers 4
    /// asks for API 1.44 (Docker 25), which the Docker 20.10 of Debian bookworm refuses ("client version 1.44 is too
    /// new"). DOCKER_API_VERSION is Testcontainers' own setting; one the user set is left alone. Must run before
    /// Testcontainers reads its settings.
    /// </summary>
    private static void NegotiateApiVersion()
    {
        if (Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is { Length: > 0 })
        {
            return;
        }

        try
        {
            var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
            using var client = new DockerClientBuilder().WithEndpoint(new Uri(host is { Length: > 0 } ? host : "unix:///var/run/docker.sock")).Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

            // GET /version answers whatever version the client asks for, so it works before the version is agreed.
            var version = client.System.GetVersionAsync(timeout.Token).GetAwaiter().GetResult();
            if (System.Version.TryParse(version.APIVersion, out var daemon) && daemon < new System.Version(1, 44))
            {
                Environment.SetEnvironmentVariable("DOCKER_API_VERSION", version.APIVersion);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // No daemon here, or not at that address: Testcontainers' own discovery reports it.
        }
    }

    private static DockerClient CreateClient()
    {
        NegotiateApiVersion();
        DisableResourceReaper();
        var endpoint = TestcontainersSettings.OS.DockerEndpointAuthConfig
            ?? throw new InvalidOperationException("Testcontainers found no Docker endpoint (DOCKER_HOST, ~/.testcontainers.properties or /var/run/docker.sock).");
        return endpoint.GetDockerClientBuilder(Guid.NewGuid()).Build();
    }
}
