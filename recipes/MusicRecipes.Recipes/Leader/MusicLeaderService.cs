using Microsoft.Extensions.Hosting;

namespace MusicRecipes.Recipes.Leader;

/// <summary>
/// A hosted service whose work runs only while this process leads its group: derive from it and implement
/// <see cref="ExecuteAsLeaderAsync"/>. The token passed to it is cancelled the moment leadership is lost (ticket
/// lost or lock session Suspended/Lost) or the host stops; when the method returns the service steps down and
/// queues up for the next term.
/// </summary>
/// <example>
/// <code>
/// public sealed class ReportScheduler(MusicLeaderElection election, ILogger&lt;ReportScheduler&gt; logger) : MusicLeaderService(election)
/// {
///     protected override async Task ExecuteAsLeaderAsync(LeadershipTerm term, CancellationToken cancellationToken)
///     {
///         while (!cancellationToken.IsCancellationRequested)
///         {
///             await SendReportsAsync(term.FencingToken.Value, cancellationToken);
///             await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken);
///         }
///     }
/// }
/// // services.AddMusic(o => o.UseInMemory()).AddMusicLeaderService&lt;ReportScheduler&gt;("reports");
/// </code>
/// </example>
public abstract class MusicLeaderService : BackgroundService
{
    /// <summary>Creates the service over a participant of an election.</summary>
    protected MusicLeaderService(MusicLeaderElection election)
    {
        ArgumentNullException.ThrowIfNull(election);
        Election = election;
    }

    /// <summary>The election this service takes part in.</summary>
    protected MusicLeaderElection Election { get; }

    /// <summary>The leader's work for one term. Return to step down; throw to step down after a backoff.</summary>
    protected abstract Task ExecuteAsLeaderAsync(LeadershipTerm term, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected sealed override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Election.RunAsync(ExecuteAsLeaderAsync, stoppingToken);
}
