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
/// <see cref="MusicLeaderElectionOptions.ProtectedKeys"/>) and waits, event-driven, until it is first (rule 5 of docs/design.md);
/// the head of the queue leads. The new leader publishes a <see cref="LeaderInfo"/> with a critical put to the
/// group's key. Stepping down releases the lock; the next ticket in the FIFO queue leads. After losing or giving up
/// leadership, <see cref="RunAsync"/> enqueues a fresh ticket (a ticket is good for one critical section).</para>
/// <para>Safety: the lock service hands the head of a queue to one ticket at a time (rule 1), and a term is valid only
/// while its ticket is held and the client's session is safe (<see cref="LeadershipTerm.IsValid"/>), so two terms are
/// never valid at once. Fencing tokens are the group key's ordinals and strictly increase across terms (rule 2).</para>
/// <para>Observers read the leader with <see cref="GetLeaderAsync"/>, an eventual read at the local site: it can lag
/// behind a recent election and still name a leader that has since died (nothing clears the record when a leader
/// crashes). Use it to display or route, never to decide who may act — that is what fencing tokens are for.
/// <see cref="GetParticipantsAsync"/> reads the group's lock queue instead (strongly): each ticket also locks a key of its
/// participant's own, which names the participant, so a crashed participant leaves the list with its session.</para>
/// <para><see cref="LeadershipAcquired"/> and <see cref="LeadershipLost"/> report this participant's terms as they begin
/// and end (Curator's <c>isLeader</c>/<c>notLeader</c>).</para>
/// <example>
/// <code>
/// var election = new MusicLeaderElection(client, "scheduler");
/// await election.RunAsync(async (term, ct) =>
/// {
///     // runs only while leading; ct is cancelled the moment leadership is lost
///     while (!ct.IsCancellationRequested) { await ScheduleJobsAsync(term.FencingToken.Value, ct); }
/// }, stoppingToken);
/// </code>
/// </example>
/// </remarks>
public sealed class MusicLeaderElection
{
    private readonly IMusicClient _client;
    private readonly MusicLeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly MusicMutex _mutex;
    private readonly string _groupKey;
    private readonly string _participantKeyPrefix;
    private LeadershipTerm? _currentTerm;

    /// <summary>Creates a participant of <paramref name="group"/> using <paramref name="client"/>.</summary>
    /// <exception cref="ArgumentException">The group name is empty or contains '/'.</exception>
    public MusicLeaderElection(IMusicClient client, string group, MusicLeaderElectionOptions? options = null, ILogger<MusicLeaderElection>? logger = null)
        : this(client, group, options, (ILogger?)logger)
    {
    }

    /// <summary>For recipes built on an election (active-passive), which log under their own category.</summary>
    internal MusicLeaderElection(IMusicClient client, string group, MusicLeaderElectionOptions? options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        Group = RecipeKeys.ValidateName(group, nameof(group));
        _client = client;
        _options = options ?? new MusicLeaderElectionOptions();
        _options.Validate();
        _logger = logger ?? NullLogger.Instance;
        ParticipantId = ValidateParticipantId(_options.ParticipantId ?? $"{client.Site}-{Guid.NewGuid():N}"[..(client.Site.Length + 9)]);
        _groupKey = RecipeKeys.Leader(group);
        _participantKeyPrefix = RecipeKeys.LeaderParticipantPrefix(group);
        _mutex = new MusicMutex(client, _options.ProtectedKeys.Prepend(_participantKeyPrefix + ParticipantId).Prepend(_groupKey), _logger);
    }

    /// <summary>
    /// Raised when this participant begins a term (after it published itself as the leader). Handlers run on the task that
    /// won the election; one that throws is logged and does not stop the election.
    /// </summary>
    public event EventHandler<LeadershipChangedEventArgs>? LeadershipAcquired;

    /// <summary>
    /// Raised once when a term of this participant ends: taken away (<see cref="LeadershipChangedEventArgs.Lost"/>: ticket
    /// lost, session Suspended or Lost — at the moment <see cref="LeadershipTerm.LostToken"/> fires) or given up by
    /// stepping down. Handlers run on the thread pool or on the stepping-down task; one that throws is logged.
    /// </summary>
    public event EventHandler<LeadershipChangedEventArgs>? LeadershipLost;

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
        var monitor = new HoldMonitor(_client, section.LostToken);
        var term = new LeadershipTerm(Group, ParticipantId, _groupKey, section, monitor, _options.TimeProvider.GetUtcNow(), OnTermEnded);
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
            _logger.CouldNotPublish(ex, ParticipantId, Group);
            await StepDownUntilDoneAsync(term, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        Volatile.Write(ref _currentTerm, term);
        RecipeTelemetry.LeaderTerms.Add(1, new KeyValuePair<string, object?>(RecipeTelemetry.GroupTag, Group));
        _logger.Leads(ParticipantId, Group, term.FencingToken.Value);
        Raise(LeadershipAcquired, new LeadershipChangedEventArgs(term, lost: false), nameof(LeadershipAcquired));
        term.Announce(); // a term lost meanwhile is reported now, after its start
        return term;
    }

    /// <summary>
    /// Strongly reads who takes part in the election: the leader first, then the others in the order they will lead.
    /// A participant is listed while its ticket is queued, so one that crashed leaves the list when its session ends.
    /// </summary>
    /// <example>
    /// <code>
    /// foreach (var p in await election.GetParticipantsAsync(ct))
    /// {
    ///     Console.WriteLine($"{p.ParticipantId}{(p.IsLeader ? " (leader)" : "")}");
    /// }
    /// </code>
    /// </example>
    public async Task<IReadOnlyList<ElectionParticipant>> GetParticipantsAsync(CancellationToken cancellationToken = default)
    {
        var queue = await _client.GetLockQueueAsync(_groupKey, cancellationToken).ConfigureAwait(false);
        var participants = new List<ElectionParticipant>(queue.Count);
        foreach (var entry in queue)
        {
            // Every ticket of the group also locks its participant's own key, which carries the participant's id.
            var participantKey = entry.Keys.FirstOrDefault(k => k.StartsWith(_participantKeyPrefix, StringComparison.Ordinal));
            var id = participantKey is null ? $"(ticket {entry.TicketId})" : participantKey[_participantKeyPrefix.Length..];
            participants.Add(new ElectionParticipant(id, entry.IsHolder, entry.HeldSince, entry.TicketId, entry.SessionId, entry.Site));
        }

        return participants;
    }

    /// <summary>
    /// Runs <paramref name="leaderWork"/> each time this participant leads, until <paramref name="cancellationToken"/>
    /// is cancelled. The work's token is cancelled the moment leadership is lost; when the work returns (or throws),
    /// the participant steps down and re-enters the election after <see cref="MusicLeaderElectionOptions.RetryDelay"/>
    /// (work that returns at once never makes back-to-back election rounds). Backend failures are retried with backoff.
    /// </summary>
    /// <example>
    /// <code>
    /// await election.RunAsync((term, ct) => pump.RunAsync(term.FencingToken.Value, ct), stoppingToken);
    /// </code>
    /// </example>
    public async Task RunAsync(Func<LeadershipTerm, CancellationToken, Task> leaderWork, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leaderWork);
        var backoff = new Backoff(_options.RetryDelay, _options.MaxRetryDelay, _options.TimeProvider);
        var betweenTerms = new Backoff(_options.RetryDelay, _options.RetryDelay, _options.TimeProvider);
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
            catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
            {
                // Session lost while waiting, or the backend is out of reach: enter again with a fresh ticket.
                _logger.ReEnters(ex, ParticipantId, Group);
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
                // One retry delay between terms even when the work returned at once: a lone participant is elected
                // again straight away, and without a pause a work that returns immediately would run election rounds
                // back to back against the lock service.
                backoff.Reset();
                if (!await DelayAsync(betweenTerms, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
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
            _logger.WorkFinished(ParticipantId, Group);
            return false;
        }
        catch (OperationCanceledException) when (work.IsCancellationRequested)
        {
            if (term.LostToken.IsCancellationRequested)
            {
                _logger.LostWorkCancelled(ParticipantId, Group, term.FencingToken.Value);
            }

            return false;
        }
        catch (Exception ex) when (!term.IsValid && ex is MusicException)
        {
            // The work noticed the loss first (a critical op threw LockLostException): not a failure of the work.
            _logger.Lost(ex, ParticipantId, Group, term.FencingToken.Value);
            return false;
        }
        catch (Exception ex)
        {
            _logger.WorkFailed(ex, ParticipantId, Group);
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
        var backoff = new Backoff(_options.RetryDelay, _options.MaxRetryDelay, _options.TimeProvider);
        while (true)
        {
            try
            {
                await term.StepDownAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is ObjectDisposedException)
            {
                _logger.StepDownFailed(ex, ParticipantId, Group);
                if (ex is ObjectDisposedException || !await DelayAsync(backoff, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    private static string ValidateParticipantId(string participantId)
    {
        RecipeKeys.ValidateName(participantId, nameof(MusicLeaderElectionOptions.ParticipantId));
        if (participantId.Length > 100)
        {
            throw new ArgumentException($"A participant id must have at most 100 characters; '{participantId}' has {participantId.Length}.", nameof(MusicLeaderElectionOptions.ParticipantId));
        }

        return participantId;
    }

    private void OnTermEnded(LeadershipTerm term, bool lost) =>
        Raise(LeadershipLost, new LeadershipChangedEventArgs(term, lost), nameof(LeadershipLost));

    private void Raise(EventHandler<LeadershipChangedEventArgs>? handlers, LeadershipChangedEventArgs args, string name)
    {
        try
        {
            handlers?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            _logger.HandlerFailed(ex, name, ParticipantId, Group);
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
