using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MusicRecipes.Hosting;

/// <summary>Adds the MUSIC health check (backend connectivity and lock-session state).</summary>
/// <example>
/// <code>
/// services.AddHealthChecks().AddMusicHealthChecks(tags: new[] { "ready" });
/// // Connected/Reconnected: Healthy; Suspended: Degraded; Lost/Closed or data store unreachable: Unhealthy
/// </code>
/// </example>
public static class MusicHealthChecksBuilderExtensions
{
    /// <summary>Registers the check under <paramref name="name"/>; needs <see cref="MusicServiceCollectionExtensions.AddMusic"/>.</summary>
    public static IHealthChecksBuilder AddMusicHealthChecks(this IHealthChecksBuilder builder, string name = "music", HealthStatus failureStatus = HealthStatus.Unhealthy, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new MusicHealthCheck(sp),
            failureStatus,
            tags,
            timeout ?? TimeSpan.FromSeconds(5)));
    }
}
