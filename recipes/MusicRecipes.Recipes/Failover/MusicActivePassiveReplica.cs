using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Recipes.Failover;

/// <summary>
/// Active-passive replication with state hand-off: of all replicas of a service (at any sites) exactly one is active;
/// it checkpoints its state, and on failover the new active resumes from the latest checkpoint.
/// </summary>
/// <typeparam name="TState">The service's state, serialised as JSON.</typeparam>
/// <remarks>
/// <para>Algorithm: a <see cref="MusicLeaderElection"/> whose term also locks the service's state key
/// (<see cref="MusicLeaderElectionOptions.ProtectedKeys"/>). The active replica reads the state with a critical get when its
/// term begins and writes checkpoints with critical puts.</para>
/// <para>Why the successor never resumes from an older checkpoint: it holds the state key's lock, and acquiring that
/// lock after a holder that did not release cleanly (crash, session expiry, a put that timed out) first reads the key
/// at QUORUM and writes it back with the successor's fencing timestamp (sync on acquire, rule 3 of docs/design.md). So its
/// critical get sees every checkpoint acknowledged by a QUORUM before the old term ended, and a partial write of the
/// old active that the sync missed can never resurface, because the write-back's timestamp beats every write of an
/// earlier ticket (rule 2). <see cref="ActiveReplicaContext{TState}.CheckpointAsync"/> returns only when the
/// checkpoint is covered by this argument.</para>
/// <example>
/// <code>
/// var replica = new MusicActivePassiveReplica&lt;long&gt;(client, "meter-reader");
/// await replica.RunAsync(async (active, ct) =>
/// {
///     var reading = active.State;                 // 0 for a brand-new service
///     while (!ct.IsCancellationRequested)
///     {
///         reading = await ReadMeterAsync(reading, ct);
///         await active.CheckpointAsync(reading, ct);
///     }
/// }, stoppingToken);
/// </code>
/// </example>
/// </remarks>
public sealed class MusicActivePassiveReplica<TState>
{
    private readonly MusicActivePassiveOptions _options;
    private readonly ILogger _logger;
    private readonly MusicLeaderElection _election;
    private readonly IMusicClient _client;
    private readonly string _stateKey;

    /// <summary>Creates a replica of <paramref name="service"/> using <paramref name="client"/>.</summary>
    /// <exception cref="ArgumentException">The service name is empty or contains '/'.</exception>
    public MusicActivePassiveReplica(IMusicClient client, string service, MusicActivePassiveOptions? options = null, ILogger<MusicActivePassiveReplica<TState>>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Service = RecipeKeys.ValidateName(service, nameof(service));
        _client = client;
        _options = options ?? new MusicActivePassiveOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _stateKey = RecipeKeys.FailoverState(service);
        var election = _options.Election;
        var electionOptions = new MusicLeaderElectionOptions
        {
            ParticipantId = election.ParticipantId,
            ProtectedKeys = election.ProtectedKeys.Append(_stateKey).ToArray(),
            RetryDelay = election.RetryDelay,
            MaxRetryDelay = election.MaxRetryDelay,
            TimeProvider = election.TimeProvider,
        };
        _election = new MusicLeaderElection(client, RecipeKeys.FailoverGroup(service), electionOptions, _logger);
    }

    /// <summary>The service name.</summary>
    public string Service { get; }

    /// <summary>This replica's id (its election participant id).</summary>
    public string ReplicaId => _election.ParticipantId;

    /// <summary>True while this replica is the active one.</summary>
    public bool IsActive => _election.IsLeader;

    /// <summary>
    /// Runs <paramref name="activeWork"/> whenever this replica is active, until <paramref name="cancellationToken"/>
    /// is cancelled; passive otherwise. The work's token is cancelled the moment the replica stops being active.
    /// </summary>
    public Task RunAsync(Func<ActiveReplicaContext<TState>, CancellationToken, Task> activeWork, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activeWork);
        return _election.RunAsync(
            async (term, ct) =>
            {
                var context = await ResumeAsync(term, ct).ConfigureAwait(false);
                await activeWork(context, ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private async Task<ActiveReplicaContext<TState>> ResumeAsync(LeadershipTerm term, CancellationToken cancellationToken)
    {
        using var activity = RecipeTelemetry.Start("music.recipe.failover.resume", "active-passive", _client);
        activity?.SetTag(RecipeTelemetry.GroupTag, Service);
        activity?.SetTag(RecipeTelemetry.FencingTag, term.FencingToken.Value);

        // A critical get right after acquire: sync on acquire makes this the latest acknowledged checkpoint.
        var bytes = await term.GetAsync(_stateKey, cancellationToken).ConfigureAwait(false);
        var checkpoint = bytes is null ? null : JsonSerializer.Deserialize<Checkpoint<TState>>(bytes, _options.SerializerOptions);
        activity?.SetTag("music.checkpoint.term", checkpoint?.Term);
        activity?.SetTag("music.checkpoint.sequence", checkpoint?.Sequence);
        _logger.Active(ReplicaId, Service, term.FencingToken.Value, checkpoint?.Sequence, checkpoint?.Term);
        return new ActiveReplicaContext<TState>(Service, term, _stateKey, checkpoint, _options.SerializerOptions, _options.Election.TimeProvider);
    }
}
