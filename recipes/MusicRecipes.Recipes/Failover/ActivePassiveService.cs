using Microsoft.Extensions.Hosting;

namespace MusicRecipes.Recipes.Failover;

/// <summary>
/// The hosted form of <see cref="ActivePassiveReplica{TState}"/>: derive from it and implement
/// <see cref="ExecuteWhileActiveAsync"/>, which runs only while this process is the active replica.
/// </summary>
/// <typeparam name="TState">The service's state.</typeparam>
/// <example>
/// <code>
/// public sealed class MeterReader(ActivePassiveReplica&lt;long&gt; replica) : ActivePassiveService&lt;long&gt;(replica)
/// {
///     protected override async Task ExecuteWhileActiveAsync(ActiveReplicaContext&lt;long&gt; active, CancellationToken ct)
///     {
///         for (var reading = active.State; !ct.IsCancellationRequested; reading++)
///         {
///             await active.CheckpointAsync(reading, ct);
///         }
///     }
/// }
/// // services.AddMusic(o => o.UseInMemory()).AddActivePassive&lt;long, MeterReader&gt;("meter-reader");
/// </code>
/// </example>
public abstract class ActivePassiveService<TState> : BackgroundService
{
    /// <summary>Creates the service over a replica.</summary>
    protected ActivePassiveService(ActivePassiveReplica<TState> replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        Replica = replica;
    }

    /// <summary>The replica this service runs.</summary>
    protected ActivePassiveReplica<TState> Replica { get; }

    /// <summary>The active replica's work for one term; the token fires the moment the replica stops being active.</summary>
    protected abstract Task ExecuteWhileActiveAsync(ActiveReplicaContext<TState> active, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected sealed override Task ExecuteAsync(CancellationToken stoppingToken) => Replica.RunAsync(ExecuteWhileActiveAsync, stoppingToken);
}
