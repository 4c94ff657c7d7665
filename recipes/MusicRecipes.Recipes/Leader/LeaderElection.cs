using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Leader;

/// <summary>
/// Leader election for one group across sites: leadership is holding the MUSIC lock on the group's key.
/// </summary>
/// <remarks>
/// <para>Algorithm: each participant enqueues a ticket on the group's key (plus
/// <see cref="LeaderElectionOptions.ProtectedKeys"/>) and waits, event-driven, until it is first (rule 5 of docs/design.md);
/// the head of the queue leads. The new leader publishes a <see cref="LeaderInfo"/> with a critical put to the
/// group's key. Stepping down releases the lock; the next ticket in the FIFO queue leads. After losing or giving up
/// leadership, <see cref="RunAsync"/> enqueues a fresh ticket (a ticket is good for one critical section).</para>
/// <para>Safety: the lock service hands the head of a queue to one ticket at a time (rule 1), and a term is valid only
/// while its ticket is held and the client's session is safe (<see cref="LeadershipTerm.IsValid"/>), so two terms are
/// never valid at once. Fencing tokens are the group key's ordinals and strictly increase across terms (rule 2).</para>
/// <para>Observers read the leader with <see cref="GetLeaderAsync"/>, an eventual read at the local site: it can lag
/// behind a recent election and still name a leader that has since died (nothing clears the record when a leader
/// crashes). Use it to display or route, never to decide who may act — that is what fencing tokens are for.</para>
/// <example>
/// <code>
/// var election = new LeaderElection(client, "scheduler");
/// await election.RunAsync(async (term, ct) =>
/// {
///     // runs only while leading; ct is cancelled the moment leadership is lost
///     while (!ct.IsCancellationRequested) { await ScheduleJobsAsync(term.FencingToken.Value, ct); }
/// }, stoppingToken);
/// </code>
/// </example>
/// </remarks>
public sealed class LeaderElection
{
    private readonly IMusicClient _client;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly MusicMutex _mutex;
    private readonly string _groupKey;
    private LeadershipTerm? _currentTerm;

    /// <summary>Creates a participant of <paramref name="group"/> using <paramref name="client"/>.</summary>
    /// <exception cref="ArgumentException">The group name is empty or contains '/'.</exception>
    public LeaderElection(IMusicClient client, string group, LeaderElectionOptions? options = null, ILogger<LeaderElection>? logger = null)
        : this(client, group, options, (ILogger?)logger)
    {
    }

    /// <summary>For recipes built on an election (active-passive), which log under their own category.</summary>
    internal LeaderElection(IMusicClient client, string group, LeaderElectionOptions? options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        Group = RecipeKeys.ValidateName(group, nameof(group));
        _client = client;
        _options = options ?? new LeaderElectionOptions();
        _options.Validate();
        _logger = logger ?? NullLogger.Instance;
        ParticipantId = _options.ParticipantId ?? $"{client.Site}-{Guid.NewGuid():N}"[..(client.Site.Length + 9)];
        _groupKey = RecipeKeys.Leader(group);
        _mutex = new MusicMutex(client, _options.ProtectedKeys.Prepend(_groupKey), _logger);
    }

    /// <summary>The election group.</summary>
    public string Group { get; }

    /// <summary>This participant's id.</summary>
    public string ParticipantId { get; }

    /// <summary>The current term of this participant, or <c>null</c> when it does not lead.</summary>
    public LeadershipTerm? CurrentTerm => Volatile.Read(ref _currentTerm) is { IsValid: true } term ? term : null;

    /// <summary>True while this participant holds a valid term.</summary>
    public bool IsLeader => CurrentTerm is not null;

    /// <summary>
    /// Joins the election and waits until this participant leads; returns the term, whose disposal steps down.
    /// </summary>
    /// <exception cref="LockLostException">The lock session expired while waiting; call again to re-enter.</exception>
    /// <example>
    /// <code>
    /// await using var term = await election.WaitForLeadershipAsync(ct);
    /// Console.WriteLine($"leading with fencing token {term.FencingToken.Value}");
    /// </code>
    /// </example>
    public async Task<LeadershipTerm> WaitForLeadershipAsync(CancellationToken cancellationToken = default)
    {
        using var activity = RecipeTelemetry.Start("music.recipe.leader.elect", "leader", _client);
        activity?.SetTag(RecipeTelemetry.GroupTag, Group);
        activity?.SetTag(RecipeTelemetry.ParticipantTag, ParticipantId);
        var section = await _mutex.AcquireAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        var monitor = new HoldMonitor(_client, section.LostToken, _options.SessionCheckInterval);
        var term = new LeadershipTerm(Group, ParticipantId, _groupKey, section, monitor, DateTimeOffset.UtcNow);
        activity?.SetTag(RecipeTelemetry.FencingTag, term.FencingToken.Value);
        try
        {
            var info = new LeaderInfo(ParticipantId, _client.Site, term.FencingToken.Value, term.Since);
            await section.PutJsonAsync(_groupKey, info, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A leader that cannot write to a majority cannot lead; give the lock back for someone who can.
            RecipeTelemetry.Fail(activity, ex);
            _logger.LogWarning(ex, "Participant {Participant} of {Group} could not publish its leadership; stepping down", ParticipantId, Group);
            await StepDownUntilDoneAsync(term, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        Volatile.Write(ref _currentTerm, term);
        RecipeTelemetry.LeaderTerms.Add(1, new KeyValuePair<string, object?>(RecipeTelemetry.GroupTag, Group));
        _logger.LogInformation("Participant {Participant} leads {Group} with fencing token {Fence}", ParticipantId, Group, term.FencingToken.Value);
        return term;
    }

    /// <summary>
    /// Runs <paramref name="leaderWork"/> each time this participant leads, until <paramref name="cancellationToken"/>
    /// is cancelled. The work's token is cancelled the moment leadership is lost; when the work returns (or throws),
    /// the participant steps down and re-enters the election. Backend failures are retried with backoff.
    /// </summary>
    /// <example>
    /// <code>
    /// await election.RunAsync((term, ct) => pump.RunAsync(term.FencingToken.Value, ct), stoppingToken);
    /// </code>
    /// </example>
    public async Task RunAsync(Func<LeadershipTerm, CancellationToken, Task> leaderWork, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leaderWork);
        var backoff = new Backoff(_options.RetryDelay, _options.MaxRetryDelay);
        while (!cancellationToken.IsCancellationRequested)
        {
            LeadershipTerm term;
            try
            {
                term = await WaitForLeadershipAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MusicException or TimeoutException)
            {
                // Session lost while waiting, or the backend is out of reach: enter again with a fresh ticket.
                _logger.LogInformation(ex, "Participant {Participant} of {Group} re-enters the election after a failure", ParticipantId, Group);
                if (!await DelayAsync(backoff, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            var failed = await RunTermAsync(term, leaderWork, cancellationToken).ConfigureAwait(false);
            await StepDownUntilDoneAsync(term, cancellationToken).ConfigureAwait(false);
            if (failed)
            {
                if (!await DelayAsync(backoff, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            else
            {
                backoff.Reset();
            }
        }
    }

    /// <summary>
    /// Eventual read of the group's published <see cref="LeaderInfo"/> at the local site; <c>null</c> when no leader
    /// was ever published. May be stale (see the class remarks): for display and routing, not for authority.
    /// </summary>
    /// <example>
    /// <code>
    /// var leader = await election.GetLeaderAsync(ct);
    /// logger.LogInformation("{Group} is led by {Leader} (term {Fence})", election.Group, leader?.ParticipantId, leader?.FencingToken);
    /// </code>
    /// </example>
    public async Task<LeaderInfo?> GetLeaderAsync(CancellationToken cancellationToken = default)
    {
        var bytes = await _client.GetAsync(_groupKey, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : JsonSerializer.Deserialize<LeaderInfo>(bytes);
    }

    /// <summary>Runs the work of one term; returns true when it failed (not counting loss of leadership or shutdown).</summary>
    private async Task<bool> RunTermAsync(LeadershipTerm term, Func<LeadershipTerm, CancellationToken, Task> leaderWork, CancellationToken cancellationToken)
    {
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, term.LostToken);
        try
        {
            await leaderWork(term, work.Token).ConfigureAwait(false);
            _logger.LogInformation("Participant {Participant} of {Group} finished its leader work; stepping down", ParticipantId, Group);
            return false;
        }
        catch (OperationCanceledException) when (work.IsCancellationRequested)
        {
            if (term.LostToken.IsCancellationRequested)
            {
                _logger.LogWarning("Participant {Participant} lost leadership of {Group} (term {Fence}); leader work cancelled", ParticipantId, Group, term.FencingToken.Value);
            }

            return false;
        }
        catch (Exception ex) when (!term.IsValid && ex is MusicException)
        {
            // The work noticed the loss first (a critical op threw LockLostException): not a failure of the work.
            _logger.LogWarning(ex, "Participant {Participant} lost leadership of {Group} (term {Fence})", ParticipantId, Group, term.FencingToken.Value);
            return false;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Leader work of {Participant} in {Group} failed; stepping down", ParticipantId, Group);
            return true;
        }
    }

    /// <summary>
    /// Steps down, retrying while the lock service is out of reach and the term is still held: giving up silently
    /// would leave the group leaderless until the session ends. On shutdown the client's disposal ends the session.
    /// </summary>
    private async Task StepDownUntilDoneAsync(LeadershipTerm term, CancellationToken cancellationToken)
    {
        Interlocked.CompareExchange(ref _currentTerm, null, term);
        var backoff = new Backoff(_options.RetryDelay, _options.MaxRetryDelay);
        while (true)
        {
            try
            {
                await term.StepDownAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is MusicException or TimeoutException or ObjectDisposedException)
            {
                _logger.LogWarning(ex, "Participant {Participant} could not step down from {Group} yet; retrying", ParticipantId, Group);
                if (ex is ObjectDisposedException || !await DelayAsync(backoff, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    private static async Task<bool> DelayAsync(Backoff backoff, CancellationToken cancellationToken)
    {
        try
        {
            await backoff.DelayAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
