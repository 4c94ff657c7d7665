using System.Collections.Concurrent;
using Docker.DotNet;

namespace MusicRecipes.Testing.Containers;

/// <summary>
/// Whether container tests can run here: a Docker daemon answers, and the images they need are present (nothing can be
/// pulled on our machines). Suites ask it once and report themselves skipped with its reason
/// (<see cref="Xunit.DockerFactAttribute"/>, <see cref="Xunit.DockerTestFramework"/>), so a machine without Docker still
/// passes <c>dotnet test</c> — and says loudly, on standard error, what it did not run and why.
/// </summary>
/// <example>
/// <code>
/// if (DockerAvailability.SkipReason(ContainerImages.ZooKeeper) is { } reason)
/// {
///     Console.Error.WriteLine($"container tests skipped: {reason}");
///     return;
/// }
/// await using var zk = await ZooKeeperContainerEnsemble.StartAsync(new ZooKeeperContainerEnsembleOptions { ServerCount = 3 });
/// </code>
/// </example>
public static class DockerAvailability
{
    /// <summary>Set to "1" to skip the container suites even where Docker runs.</summary>
    public const string DisableVariable = "MUSIC_CONTAINER_TESTS_DISABLED";

    private static readonly ConcurrentDictionary<string, string?> Answers = new(StringComparer.Ordinal);

    /// <summary>
    /// Null when Docker answers and every image in <paramref name="images"/> is present; otherwise why container tests
    /// cannot run here. Asked once per set of images per process (a probe takes up to 10 s when no daemon answers).
    /// </summary>
    public static string? SkipReason(params string[] images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Answers.GetOrAdd(string.Join(',', images), _ => Probe(images));
    }

    private static string? Probe(string[] images)
    {
        string? reason;
        if (Environment.GetEnvironmentVariable(DisableVariable) == "1")
        {
            reason = $"{DisableVariable}=1";
        }
        else
        {
            reason = ProbeDockerAsync(images).GetAwaiter().GetResult();
        }

        if (reason is not null)
        {
            // Loud on purpose: a skipped suite must not pass for a green one in a CI log.
            Console.Error.WriteLine($"*** CONTAINER TESTS SKIPPED: {reason}");
        }

        return reason;
    }

    private static async Task<string?> ProbeDockerAsync(string[] images)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await DockerEngine.Client.System.PingAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Most often no daemon runs; the exception says what else it was (a refused API version, a bad DOCKER_HOST).
            return $"Docker is not usable here ({e.GetType().Name}: {FirstLine(e.GetBaseException().Message)}); install docker.io and start dockerd";
        }

        foreach (var image in images)
        {
            try
            {
                await DockerEngine.Client.Images.InspectImageAsync(image, timeout.Token).ConfigureAwait(false);
            }
            catch (DockerImageNotFoundException)
            {
                return $"the image {image} is not built here; run scripts/build-test-images.sh";
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return $"Docker could not inspect {image} ({e.GetType().Name}: {FirstLine(e.Message)})";
            }
        }

        return null;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
