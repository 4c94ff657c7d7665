using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MusicRecipes.Hosting;

/// <summary>
/// Health of this process's MUSIC client: the backend answers an eventual read at the local site (connectivity), and
/// the lock session's state — Connected/Reconnected healthy; Suspended or not yet connected degraded (held locks may
/// be lost at any moment); Lost/Closed unhealthy. A backend that could not even start (servers unreachable when the
/// client connects) is unhealthy with the connect error; real backends add their nodes and session to the data,
/// and Cassandra nodes that are down make an otherwise healthy report degraded.
/// </summary>
internal sealed class MusicHealthCheck(IServiceProvider services) : IHealthCheck
{
    /// <summary>A key no recipe writes: reading it only proves the local replica answers.</summary>
    private const string ProbeKey = "music/health/probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IMusicClient client;
        try
        {
            client = services.GetRequiredService<IMusicClient>();
            if (client is ConnectingMusicClient { IsConnected: false } connecting)
            {
                await connecting.ConnectAsync(cancellationToken).ConfigureAwait(false); // bounded by the backend's connect timeout
            }
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The MUSIC backend could not start: {ex.Message}", ex);
        }

        var state = client.SessionState;
        var data = new Dictionary<string, object> { ["site"] = client.Site, ["session"] = state.ToString() };
        var probes = services.GetServices<IMusicBackendProbe>().ToArray();
        foreach (var probe in probes)
        {
            probe.Describe(data);
        }

        try
        {
            await client.GetAsync(ProbeKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is ObjectDisposedException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The MUSIC data store at {client.Site} does not answer.", ex, data);
        }

        var degradation = probes.Select(p => p.Degradation()).FirstOrDefault(d => d is not null);
        return state switch
        {
            LockSessionState.Connected or LockSessionState.Reconnected when degradation is not null => HealthCheckResult.Degraded($"MUSIC session {state} at {client.Site}; {degradation}", data: data),
            LockSessionState.Connected or LockSessionState.Reconnected => HealthCheckResult.Healthy($"MUSIC session {state} at {client.Site}.", data),
            LockSessionState.Suspended or LockSessionState.Latent => HealthCheckResult.Degraded($"MUSIC session {state} at {client.Site}: held locks may be lost.", data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"MUSIC session {state} at {client.Site}.", data: data),
        };
    }
}
