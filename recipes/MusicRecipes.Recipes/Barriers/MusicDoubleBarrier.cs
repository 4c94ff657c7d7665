using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// A double barrier over distributed state, as Curator's MusicDoubleBarrier: <see cref="EnterAsync"/> waits
/// until <see cref="MemberCount"/> participants have entered, <see cref="LeaveAsync"/> waits until all of them left.
/// </summary>
/// <remarks>
/// <para>Algorithm: one key holds the round (generation, full, members), changed only in critical sections. Enter adds
/// this participant; the N-th entry marks the round full. Leave removes it; the round left empty opens the next
/// generation. A participant arriving while a full round is still leaving waits for the next generation. Waiters
/// poll (see <see cref="BarrierPoller{TState}"/>: MUSIC has no watch on data); the round only moves forward, so a
/// stale replica never lets a waiter through early. One instance is one participant; use one per task.</para>
/// <para>Membership is tied to the lock session, as Curator ties it to an ephemeral node: before it is counted, a
/// participant takes the lock on a member key of its own and holds it until it leaves (<see cref="BarrierMembership"/>).
/// At every critical read a waiter also probes the other members' keys (<see cref="MemberProbe"/>); a key it can lock
/// belongs to a member whose ticket is gone — its process died and its session expired — and that member is dropped
/// from the round. So a crashed member blocks the others for about one session timeout plus one critical read, never
/// forever: in a full round it counts as having left; in an entering round it no longer counts as arrived. A participant
/// that loses its own membership while it waits gets <see cref="LockLostException"/> and may enter again.</para>
/// <example>
/// <code>
/// var barrier = new MusicDoubleBarrier(client, "nightly-batch", memberCount: 3);
/// await barrier.EnterAsync(ct);   // returns when 3 participants have entered
/// await RunMyShareAsync(ct);
/// await barrier.LeaveAsync(ct);   // returns when all 3 have left (or their sessions ended)
/// </code>
/// </example>
/// </remarks>
public sealed class MusicDoubleBarrier
{
    private readonly IMusicClient _client;
    private readonly MusicBarrierOptions _options;
    private readonly ILogger _logger;
    private readonly BarrierPoller<DoubleBarrierState> _poller;
    private readonly string _key;
    private BarrierMembership? _membership;
    private long _enteredGeneration;

    /// <summary>Creates participant <see cref="ParticipantId"/> of the double barrier <paramref name="name"/> for <paramref name="memberCount"/> members.</summary>
    /// <exception cref="ArgumentException">The name is empty or contains '/'.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="memberCount"/> is less than 1.</exception>
    public MusicDoubleBarrier(IMusicClient client, string name, int memberCount, MusicBarrierOptions? options = null, ILogger<MusicDoubleBarrier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(memberCount, 1);
        Name = RecipeKeys.ValidateName(name, nameof(name));
        MemberCount = memberCount;
        _client = client;
        _options = options ?? new MusicBarrierOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ParticipantId = _options.ParticipantId ?? $"{client.Site}-{Guid.NewGuid():N}"[..(client.Site.Length + 9)];
        _key = RecipeKeys.DoubleBarrier(name);
        _poller = new BarrierPoller<DoubleBarrierState>(client, new MusicMutex(client, new[] { _key }, _logger), _key, _options, _logger);
    }

    /// <summary>The barrier's name.</summary>
    public string Name { get; }

    /// <summary>How many participants make a round.</summary>
    public int MemberCount { get; }

    /// <summary>This participant's id.</summary>
    public string ParticipantId { get; }

    /// <summary>
    /// Enters the barrier and waits until <see cref="MemberCount"/> participants have entered. If cancelled, this
    /// participant withdraws its entry (and, if the round was already full, counts as having left).
    /// </summary>
    /// <exception cref="LockLostException">This participant's membership was lost while it waited (its lock session
    /// expired): it no longer counts. Call again to enter afresh.</exception>
    /// <exception cref="MusicException">A critical read of the barrier failed (for example, this site is cut off). The
    /// participant stays entered; call again to go on waiting.</exception>
    /// <exception cref="TimeoutException">The barrier's lock was not acquired within <see cref="MusicBarrierOptions.LockTimeout"/>; as above.</exception>
    public async Task EnterAsync(CancellationToken cancellationToken = default)
    {
        using var activity = RecipeTelemetry.Start("music.recipe.double_barrier.enter", "double-barrier", _client);
        activity?.SetTag(RecipeTelemetry.BarrierTag, Name);
        activity?.SetTag(RecipeTelemetry.ParticipantTag, ParticipantId);
        var membership = Volatile.Read(ref _membership);
        if (membership is not { IsHeld: true })
        {
            // First entry, or the last one's membership was lost (then the others drop it; its release is a no-op).
            await (membership?.EndAsync() ?? Task.CompletedTask).ConfigureAwait(false);
            membership = await BarrierMembership.JoinAsync(_client, Name, ParticipantId, _options.LockTimeout, _logger, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _membership, membership);
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, membership.LostToken);
        try
        {
            long generation;
            while (true)
            {
                var (entered, state) = await TryEnterAsync(membership.Member, waiting.Token).ConfigureAwait(false);
                if (entered)
                {
                    generation = state.Generation;
                    break;
                }

                // A full round is still leaving: wait for the next generation, then enter that one.
                await _poller.WaitUntilAsync(s => s.Generation > state.Generation, ReadAndDropGoneAsync, waiting.Token).ConfigureAwait(false);
            }

            Volatile.Write(ref _enteredGeneration, generation);
            activity?.SetTag("music.barrier.generation", generation);
            await _poller.WaitUntilAsync(s => s.Generation > generation || (s.Generation == generation && s.IsFull), ReadAndDropGoneAsync, waiting.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || membership.LostToken.IsCancellationRequested)
        {
            RecipeTelemetry.Fail(activity, ex);
            await WithdrawAsync(membership).ConfigureAwait(false);
            if (membership.LostToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new LockLostException($"Participant {ParticipantId} lost its membership of double barrier {Name} while entering (its lock session ended); it no longer counts.", membership.LossReason);
            }

            throw;
        }
    }

    /// <summary>Leaves the barrier and waits until every participant of the round has left (or its session ended).</summary>
    /// <exception cref="InvalidOperationException">This participant has not entered.</exception>
    /// <exception cref="MusicException">A critical read of the barrier failed. This participant has left if the
    /// removal went through; call again to go on waiting.</exception>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        var generation = Volatile.Read(ref _enteredGeneration);
        if (generation == 0)
        {
            throw new InvalidOperationException($"Participant {ParticipantId} has not entered double barrier {Name}.");
        }

        using var activity = RecipeTelemetry.Start("music.recipe.double_barrier.leave", "double-barrier", _client);
        activity?.SetTag(RecipeTelemetry.BarrierTag, Name);
        activity?.SetTag(RecipeTelemetry.ParticipantTag, ParticipantId);
        activity?.SetTag("music.barrier.generation", generation);
        if (Volatile.Read(ref _membership) is { } membership)
        {
            await RemoveAsync(membership.Member, openNextWhenEmpty: _ => true, cancellationToken).ConfigureAwait(false);

            // Not counted any more: the membership has served its purpose.
            Volatile.Write(ref _membership, null);
            await membership.EndAsync().ConfigureAwait(false);
        }

        await _poller.WaitUntilAsync(s => s.Generation > generation, ReadAndDropGoneAsync, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _enteredGeneration, 0);
    }

    /// <summary>The participants counted in the current round, read critically (for tests and diagnostics).</summary>
    internal async Task<IReadOnlyList<string>> ReadMembersAsync(CancellationToken cancellationToken) =>
        (await _poller.ReadCriticallyAsync(cancellationToken).ConfigureAwait(false) ?? DoubleBarrierState.Initial).Members.Select(m => m.Id).ToArray();

    private Task<(bool Entered, DoubleBarrierState State)> TryEnterAsync(DoubleBarrierMember me, CancellationToken cancellationToken) =>
        _poller.InCriticalSectionAsync(
            async section =>
            {
                var state = await ReadAsync(section, cancellationToken).ConfigureAwait(false);
                if (state.Counts(me))
                {
                    return (true, state);
                }

                if (state.IsFull)
                {
                    return (false, state);
                }

                var members = state.Members.Append(me).ToArray();
                var next = new DoubleBarrierState(state.Generation, members.Length >= MemberCount, members);
                await section.PutJsonAsync(_key, next, cancellationToken: cancellationToken).ConfigureAwait(false);
                _logger.Entered(ParticipantId, Name, members.Length, MemberCount);
                return (true, next);
            },
            cancellationToken);

    /// <summary>
    /// A waiter's critical turn: the critical read, plus a probe of every other member's membership; members whose
    /// membership is over are dropped. Its failures end the wait (<see cref="BarrierPoller{TState}"/>); a probe that
    /// cannot tell counts the member as present.
    /// </summary>
    private async Task<DoubleBarrierState?> ReadAndDropGoneAsync(CancellationToken cancellationToken)
    {
        var state = await _poller.ReadCriticallyAsync(cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return null;
        }

        var mine = Volatile.Read(ref _membership)?.Member;
        var gone = new List<DoubleBarrierMember>();
        foreach (var member in state.Members.Where(m => m != mine))
        {
            if (await MemberProbe.IsGoneAsync(_client, Name, member, _logger, cancellationToken).ConfigureAwait(false))
            {
                gone.Add(member);
            }
        }

        if (gone.Count == 0)
        {
            return state;
        }

        // A membership once over never comes back (its key is never locked again but by probes), so dropping it in a
        // later critical section is right whatever changed in between.
        _logger.DroppingMembers(Name, string.Join(", ", gone.Select(m => m.Id)));
        return await RemoveAsync(gone, openNextWhenEmpty: s => s.IsFull, cancellationToken).ConfigureAwait(false);
    }

    private Task<DoubleBarrierState> RemoveAsync(DoubleBarrierMember member, Func<DoubleBarrierState, bool> openNextWhenEmpty, CancellationToken cancellationToken) =>
        RemoveAsync(new[] { member }, openNextWhenEmpty, cancellationToken);

    private Task<DoubleBarrierState> RemoveAsync(IReadOnlyCollection<DoubleBarrierMember> members, Func<DoubleBarrierState, bool> openNextWhenEmpty, CancellationToken cancellationToken) =>
        _poller.InCriticalSectionAsync(
            async section =>
            {
                var state = await ReadAsync(section, cancellationToken).ConfigureAwait(false);
                var next = state.Without(members, openNextWhenEmpty(state));
                if (!ReferenceEquals(next, state))
                {
                    await section.PutJsonAsync(_key, next, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                return next;
            },
            cancellationToken);

    /// <summary>
    /// Takes this participant out after a cancelled or lost enter: from an entering round it withdraws; from a full
    /// round it leaves (the round may then open the next generation). Then its membership ends.
    /// </summary>
    private async Task WithdrawAsync(BarrierMembership membership)
    {
        try
        {
            await RemoveAsync(membership.Member, openNextWhenEmpty: s => s.IsFull, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
        {
            // Still listed; ending the membership below makes the others drop it at their next critical read.
            _logger.WithdrawFailed(ex, ParticipantId, Name);
        }

        Volatile.Write(ref _membership, null);
        Volatile.Write(ref _enteredGeneration, 0);
        await membership.EndAsync().ConfigureAwait(false);
    }

    private async Task<DoubleBarrierState> ReadAsync(MusicCriticalSection section, CancellationToken cancellationToken) =>
        await section.GetJsonAsync<DoubleBarrierState>(_key, cancellationToken: cancellationToken).ConfigureAwait(false) ?? DoubleBarrierState.Initial;
}
