using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Processes;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>
/// Faults of the clients' lock-service sessions and links: expire one session through a second connection (Curator's
/// KillSession: instant, no lease can warn of it), cut a site's ZooKeeper links for 0.3-6.5 s (both sides of the
/// session timeout: short cuts suspend sessions, long ones expire them), or slow them by 150-400 ms for 1-4 s.
/// </summary>
internal sealed class ClientFaults(ReliabilityEnvironment environment, WorkerFleet fleet)
{
    /// <summary>Expires a random client's session; <c>null</c> (skipped) when that client has no session right now.</summary>
    public async Task<FaultResult?> ExpireSessionAsync(Random lane)
    {
        var sessions = fleet.Live.Select(w => (w.Name, Credentials: w.Session))
            .Concat(environment.Clients.Select(c => (c.Name, Credentials: c.Locks.Client.SessionCredentials)))
            .ToList();
        var (name, credentials) = sessions[lane.Next(sessions.Count)];
        if (credentials is null)
        {
            return null;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await environment.Servers.ExpireSessionAsync(credentials, deadline.Token);
        }
        catch (Exception ex) when (ex is KeeperException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            // The session ended or the ensemble was between leaders: nothing was expired.
            return null;
        }

        return FaultResult.Repaired(name);
    }

    public async Task<FaultResult?> CutSiteAsync(Random lane)
    {
        var site = lane.Next(ReliabilitySettings.Sites);
        environment.Links.Cut(site);
        try
        {
            await Task.Delay(lane.Next(300, 6500));
        }
        finally
        {
            environment.Links.Heal(site);
        }

        return FaultResult.Repaired(ReliabilityEnvironment.DataCenterOf(site));
    }

    public async Task<FaultResult?> SlowSiteAsync(Random lane)
    {
        var site = lane.Next(ReliabilitySettings.Sites);
        environment.Links.SetLatency(site, TimeSpan.FromMilliseconds(lane.Next(150, 400)));
        try
        {
            await Task.Delay(lane.Next(1000, 4000));
        }
        finally
        {
            environment.Links.SetLatency(site, TimeSpan.Zero);
        }

        return FaultResult.Repaired(ReliabilityEnvironment.DataCenterOf(site));
    }
}
