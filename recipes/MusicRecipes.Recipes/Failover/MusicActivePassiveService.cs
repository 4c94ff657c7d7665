using Microsoft.Extensions.Hosting;

namespace MusicRecipes.Recipes.Failover;

/// <summary>
/// The hosted form of <see cref="MusicActivePassiveReplica{TState}"/>: derive from it and implement
/// <see cref="ExecuteWhileActiveAsync"/>, which runs only while this process is the active replica.
/// </summary>
/// <typeparam name="TState">The service's state.</typeparam>
/// <example>
/// <code>
/// public sealed class MeterReader(MusicActivePassiveReplica&lt;long&gt; replica) : MusicActivePassiveService&lt;long&gt;(replica)
/// {
///     protected override async Task ExecuteWhileActiveAsync(ActiveReplicaContext&lt;long&gt; active, CancellationToken ct)
///     {
///         for (var reading = active.State; !ct.IsCancellationRequested; reading++)
///         {
///             await active.CheckpointAsync(reading, ct);
///         }
///     }
/// }
/// // services.AddMusic(o => o.UseInMemory()).AddMusicActivePassive&lt;long, MeterReader&gt;("meter-reader");
/// </code>
/// </example>
public abstract class MusicActivePassiveService<TState> : BackgroundService
{
    /// <summary>Creates the service over a replica.</summary>
    protected MusicActivePassiveService(MusicActivePassiveReplica<TState> replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        Replica = replica;
    }

    /// <summary>The replica this service runs.</summary>
    protected MusicActivePassiveReplica<TState> Replica { get; }

    /// <summary>The active replica's work for one term; the token fires the moment the replica stops being active.</summary>
    protected abstract Task ExecuteWhileActiveAsync(ActiveReplicaContext<TState> active, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected sealed override Task ExecuteAsync(CancellationToken stoppingToken) => Replica.RunAsync(ExecuteWhileActiveAsync, stoppingToken);
}
