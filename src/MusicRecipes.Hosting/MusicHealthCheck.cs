using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MusicRecipes.Hosting;

/// <summary>
/// Health of this process's MUSIC client: the backend answers an eventual read at the local site (connectivity), and
/// the lock session's state — Connected/Reconnected healthy; Suspended or not yet connected degraded (held locks may
/// be lost at any moment); Lost/Closed unhealthy.
/// </summary>
internal sealed class MusicHealthCheck(IMusicClient client) : IHealthCheck
{
    /// <summary>A key no recipe writes: reading it only proves the local replica answers.</summary>
    private const string ProbeKey = "music/health/probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = client.SessionState;
        var data = new Dictionary<string, object> { ["site"] = client.Site, ["session"] = state.ToString() };
        try
        {
            await client.GetAsync(ProbeKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MusicException or TimeoutException or ObjectDisposedException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The MUSIC data store at {client.Site} does not answer.", ex, data);
        }

        return state switch
        {
            LockSessionState.Connected or LockSessionState.Reconnected => HealthCheckResult.Healthy($"MUSIC session {state} at {client.Site}.", data),
            LockSessionState.Suspended or LockSessionState.Latent => HealthCheckResult.Degraded($"MUSIC session {state} at {client.Site}: held locks may be lost.", data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"MUSIC session {state} at {client.Site}.", data: data),
        };
    }
}
