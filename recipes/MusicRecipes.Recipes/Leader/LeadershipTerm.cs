using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Leader;

/// <summary>
/// One term of leadership: the held lock on the group's key. A handle per term — dispose (or
/// <see cref="StepDownAsync"/>) to step down and let the next participant in the queue lead.
/// </summary>
/// <remarks>
/// <para>The term ends the moment the ticket is lost (session expired, forced release, lease) <b>or</b> the client's
/// lock session is no longer Connected/Reconnected: a Suspended session may already have expired on the lock
/// service, where a successor can be elected before this client hears of it, so the term is given up early, as
/// Curator's leader recipes do. <see cref="IsValid"/> checks both on the spot; <see cref="LostToken"/> fires for
/// both (the session's state changes arrive as <see cref="IMusicClient.SessionStateChanged"/> events).</para>
/// <para><see cref="FencingToken"/> strictly increases from term to term of the group (it is the ticket's ordinal
/// on the group's key, rule 2 of docs/design.md): give it to every system the leader commands.</para>
/// <example>
/// <code>
/// await using var term = await election.WaitForLeadershipAsync(ct);
/// using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, term.LostToken);
/// await scheduler.RunAsync(fence: term.FencingToken.Value, work.Token);
/// </code>
/// </example>
/// </remarks>
public sealed class LeadershipTerm : IAsyncDisposable
{
    private readonly MusicCriticalSection _section;
    private readonly HoldMonitor _monitor;
    private readonly string _groupKey;
    private readonly Action<LeadershipTerm, bool>? _onEnded;
    private readonly CancellationTokenRegistration _lostRegistration;
    private int _ended; // 0 running, 1 stepped down, 2 lost
    private int _announced;
    private int _endReported;

    internal LeadershipTerm(string group, string participantId, string groupKey, MusicCriticalSection section, HoldMonitor monitor, DateTimeOffset since, Action<LeadershipTerm, bool>? onEnded = null)
    {
        Group = group;
        ParticipantId = participantId;
        _groupKey = groupKey;
        _section = section;
        _monitor = monitor;
        Since = since;
        _onEnded = onEnded;
        _lostRegistration = monitor.LostToken.Register(static state => ((LeadershipTerm)state!).End(lost: true), this);
    }

    /// <summary>The election group.</summary>
    public string Group { get; }

    /// <summary>The leader's participant id.</summary>
    public string ParticipantId { get; }

    /// <summary>When the term began (this process's clock).</summary>
    public DateTimeOffset Since { get; }

    /// <summary>The term's fencing token: strictly larger in every later term of the group.</summary>
    public FencingToken FencingToken => _section.FencingTokenFor(_groupKey);

    /// <summary>Fires when leadership is lost: ticket lost or lock session no longer safe. Not on a normal step-down.</summary>
    public CancellationToken LostToken => _monitor.LostToken;

    /// <summary>True while this participant leads: the lock is held, not released, and the session is safe right now.</summary>
    public bool IsValid => _section.IsHeld && !_monitor.IsSessionUnsafe && !_monitor.LostToken.IsCancellationRequested;

    /// <summary>The keys the term holds: the group's key, the participant's own key and <see cref="MusicLeaderElectionOptions.ProtectedKeys"/>.</summary>
    public IReadOnlyList<string> Keys => _section.Keys;

    /// <summary>Critical read of a protected key (see <see cref="MusicLeaderElectionOptions.ProtectedKeys"/>).</summary>
    /// <exception cref="LockLostException">Leadership was lost.</exception>
    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) => _section.GetAsync(key, cancellationToken);

    /// <summary>Critical write of a protected key, fenced with this term's ticket.</summary>
    /// <exception cref="LockLostException">Leadership was lost.</exception>
    public Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default) => _section.PutAsync(key, value, cancellationToken);

    /// <summary>
    /// Steps down: releases the group's lock so the next participant leads. Idempotent. Throws when the lock service
    /// is unreachable while the term is still held; the term then stays releasable and the call may be retried.
    /// </summary>
    public async Task StepDownAsync(CancellationToken cancellationToken = default)
    {
        using var activity = RecipeTelemetry.Source.StartActivity("music.recipe.leader.step_down");
        activity?.SetTag(RecipeTelemetry.GroupTag, Group);
        activity?.SetTag(RecipeTelemetry.FencingTag, FencingToken.Value);
        await _section.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        await _monitor.DisposeAsync().ConfigureAwait(false);
        await _lostRegistration.DisposeAsync().ConfigureAwait(false);
        End(lost: false);
    }

    /// <summary>The term's start was reported; from now on its end is reported too (and at once if it already ended).</summary>
    internal void Announce()
    {
        Volatile.Write(ref _announced, 1);
        ReportEnd();
    }

    /// <summary>Ends the term: the first of loss and step-down wins, and is reported once, after the start was.</summary>
    internal void End(bool lost)
    {
        if (Interlocked.CompareExchange(ref _ended, lost ? 2 : 1, 0) == 0)
        {
            ReportEnd();
        }
    }

    private void ReportEnd()
    {
        var ended = Volatile.Read(ref _ended);
        if (ended != 0 && Volatile.Read(ref _announced) != 0 && Interlocked.Exchange(ref _endReported, 1) == 0)
        {
            _onEnded?.Invoke(this, ended == 2);
        }
    }

    /// <summary>Steps down (see <see cref="StepDownAsync"/>; a failure is thrown, not swallowed).</summary>
    public async ValueTask DisposeAsync() => await StepDownAsync(CancellationToken.None).ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => $"LeadershipTerm({Group}, {ParticipantId}, {FencingToken}, valid: {IsValid})";
}
