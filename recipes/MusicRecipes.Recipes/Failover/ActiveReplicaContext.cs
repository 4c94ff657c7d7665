using System.Text.Json;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Recipes.Failover;

/// <summary>
/// What the active replica works with during one term: the state it resumed from and a way to checkpoint.
/// </summary>
/// <typeparam name="TState">The service's state.</typeparam>
/// <example>
/// <code>
/// await replica.RunAsync(async (active, ct) =>
/// {
///     var state = active.State ?? new Inventory();
///     while (!ct.IsCancellationRequested)
///     {
///         state = await ApplyNextBatchAsync(state, active.FencingToken.Value, ct);
///         await active.CheckpointAsync(state, ct); // returns only when a successor is sure to see it
///     }
/// }, stoppingToken);
/// </code>
/// </example>
public sealed class ActiveReplicaContext<TState>
{
    private readonly string _stateKey;
    private readonly JsonSerializerOptions? _serializerOptions;
    private readonly TimeProvider _time;
    private long _sequence;

    internal ActiveReplicaContext(string service, LeadershipTerm term, string stateKey, Checkpoint<TState>? resumedFrom, JsonSerializerOptions? serializerOptions, TimeProvider time)
    {
        Service = service;
        Term = term;
        _stateKey = stateKey;
        ResumedFrom = resumedFrom;
        _serializerOptions = serializerOptions;
        _time = time;
    }

    /// <summary>The service name.</summary>
    public string Service { get; }

    /// <summary>The leadership term behind this activity.</summary>
    public LeadershipTerm Term { get; }

    /// <summary>The latest checkpoint when this term began (<c>null</c> for a brand-new service).</summary>
    public Checkpoint<TState>? ResumedFrom { get; }

    /// <summary>The state to resume from: the latest checkpoint's state, or <c>default</c>.</summary>
    public TState? State => ResumedFrom is null ? default : ResumedFrom.State;

    /// <summary>The term's fencing token; hand it to the systems this replica commands.</summary>
    public FencingToken FencingToken => Term.FencingToken;

    /// <summary>Fires when this replica stops being the active one.</summary>
    public CancellationToken LostToken => Term.LostToken;

    /// <summary>True while this replica is the active one.</summary>
    public bool IsActive => Term.IsValid;

    /// <summary>
    /// Checkpoints <paramref name="state"/> with a critical put. When it returns, every later active replica resumes
    /// from this checkpoint or a newer one.
    /// </summary>
    /// <exception cref="LockLostException">The replica stopped being active; the checkpoint may or may not survive.</exception>
    public async Task CheckpointAsync(TState state, CancellationToken cancellationToken = default)
    {
        using var activity = RecipeTelemetry.Source.StartActivity("music.recipe.failover.checkpoint");
        activity?.SetTag(RecipeTelemetry.GroupTag, Service);
        activity?.SetTag(RecipeTelemetry.FencingTag, FencingToken.Value);
        var checkpoint = new Checkpoint<TState>(state, FencingToken.Value, Interlocked.Increment(ref _sequence), _time.GetUtcNow());
        await Term.PutAsync(_stateKey, JsonSerializer.SerializeToUtf8Bytes(checkpoint, _serializerOptions), cancellationToken).ConfigureAwait(false);

        // Acknowledged at QUORUM while the term was still valid afterwards: the lock service had not yet handed the
        // key to a successor, so the successor's acquire (and its sync read, rule 3 of docs/design.md) comes after this
        // write and sees it. If the term was lost meanwhile we cannot promise that, and say so.
        if (!Term.IsValid)
        {
            activity?.SetTag(RecipeTelemetry.OutcomeTag, "lost");
            throw new LockLostException($"Replica {Term.ParticipantId} stopped being active for '{Service}' while checkpointing; the checkpoint may not survive.", reason: null);
        }

        RecipeTelemetry.Checkpoints.Add(1, new KeyValuePair<string, object?>(RecipeTelemetry.GroupTag, Service));
    }
}
