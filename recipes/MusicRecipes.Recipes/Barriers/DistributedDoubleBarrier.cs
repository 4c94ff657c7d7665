using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// A double barrier over distributed state, as Curator's DistributedDoubleBarrier: <see cref="EnterAsync"/> waits
/// until <see cref="MemberCount"/> participants have entered, <see cref="LeaveAsync"/> waits until all of them left.
/// </summary>
/// <remarks>
/// <para>Algorithm: one key holds the round (generation, full, members), changed only in critical sections. Enter adds
/// this participant; the N-th entry marks the round full. Leave removes it; the last to leave opens the next
/// generation. A participant arriving while a full round is still leaving waits for the next generation. Waiters
/// poll (see <see cref="BarrierPoller{TState}"/>: MUSIC has no watch on data); the round only moves forward, so a
/// stale replica never lets a waiter through early. One instance is one participant; use one per task.</para>
/// <example>
/// <code>
/// var barrier = new DistributedDoubleBarrier(client, "nightly-batch", memberCount: 3);
/// await barrier.EnterAsync(ct);   // returns when 3 participants have entered
/// await RunMyShareAsync(ct);
/// await barrier.LeaveAsync(ct);   // returns when all 3 have left
/// </code>
/// </example>
/// </remarks>
public sealed class DistributedDoubleBarrier
{
    private readonly IMusicClient _client;
    private readonly BarrierOptions _options;
    private readonly ILogger _logger;
    private readonly BarrierPoller<DoubleBarrierState> _poller;
    private readonly string _key;
    private long _enteredGeneration;

    /// <summary>Creates participant <see cref="ParticipantId"/> of the double barrier <paramref name="name"/> for <paramref name="memberCount"/> members.</summary>
    /// <exception cref="ArgumentException">The name is empty or contains '/'.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="memberCount"/> is less than 1.</exception>
    public DistributedDoubleBarrier(IMusicClient client, string name, int memberCount, BarrierOptions? options = null, ILogger<DistributedDoubleBarrier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(memberCount, 1);
        Name = RecipeKeys.ValidateName(name, nameof(name));
        MemberCount = memberCount;
        _client = client;
        _options = options ?? new BarrierOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ParticipantId = _options.ParticipantId ?? $"{client.Site}-{Guid.NewGuid():N}"[..(client.Site.Length + 9)];
        _key = RecipeKeys.DoubleBarrier(name);
        _poller = new BarrierPoller<DoubleBarrierState>(client, new MusicMutex(client, new[] { _key }, _logger), _key, _options);
    }

    /// <summary>The barrier's name.</summary>
    public string Name { get; }

    /// <summary>How many participants make a round.</summary>
    public int MemberCount { get; }

    /// <summary>This participant's id.</summary>
    public string ParticipantId { get; }

    /// <summary>
    /// Enters the barrier and waits until <see cref="MemberCount"/> participants have entered. If cancelled before the
    /// round is full, this participant withdraws its entry.
    /// </summary>
    public async Task EnterAsync(CancellationToken cancellationToken = default)
    {
        using var activity = RecipeTelemetry.Start("music.recipe.double_barrier.enter", "double-barrier", _client);
        activity?.SetTag(RecipeTelemetry.BarrierTag, Name);
        activity?.SetTag(RecipeTelemetry.ParticipantTag, ParticipantId);
        long generation;
        while (true)
        {
            var (entered, state) = await TryEnterAsync(cancellationToken).ConfigureAwait(false);
            if (entered)
            {
                generation = state.Generation;
                break;
            }

            // A full round is still leaving: wait for the next generation, then enter that one.
            await _poller.WaitUntilAsync(s => s.Generation > state.Generation, cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref _enteredGeneration, generation);
        activity?.SetTag("music.barrier.generation", generation);
        try
        {
            await _poller.WaitUntilAsync(s => s.Generation > generation || (s.Generation == generation && s.IsFull), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await WithdrawAsync(generation).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Leaves the barrier and waits until every participant of the round has left.</summary>
    /// <exception cref="InvalidOperationException">This participant has not entered.</exception>
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
        await _poller.InCriticalSectionAsync(
            async section =>
            {
                var state = await ReadAsync(section, cancellationToken).ConfigureAwait(false);
                if (state.Generation == generation && state.Members.Contains(ParticipantId, StringComparer.Ordinal))
                {
                    var members = state.Members.Where(m => !string.Equals(m, ParticipantId, StringComparison.Ordinal)).ToArray();
                    var next = members.Length == 0 ? new DoubleBarrierState(generation + 1, false, Array.Empty<string>()) : state with { Members = members };
                    await section.PutJsonAsync(_key, next, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);

        await _poller.WaitUntilAsync(s => s.Generation > generation, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _enteredGeneration, 0);
    }

    private Task<(bool Entered, DoubleBarrierState State)> TryEnterAsync(CancellationToken cancellationToken) =>
        _poller.InCriticalSectionAsync(
            async section =>
            {
                var state = await ReadAsync(section, cancellationToken).ConfigureAwait(false);
                if (state.Members.Contains(ParticipantId, StringComparer.Ordinal))
                {
                    return (true, state);
                }

                if (state.IsFull)
                {
                    return (false, state);
                }

                var members = state.Members.Append(ParticipantId).ToArray();
                var next = new DoubleBarrierState(state.Generation, members.Length >= MemberCount, members);
                await section.PutJsonAsync(_key, next, cancellationToken: cancellationToken).ConfigureAwait(false);
                _logger.LogDebug("Participant {Participant} entered double barrier {Barrier} ({Count}/{Needed})", ParticipantId, Name, members.Length, MemberCount);
                return (true, next);
            },
            cancellationToken);

    private async Task WithdrawAsync(long generation)
    {
        try
        {
            await _poller.InCriticalSectionAsync(
                async section =>
                {
                    var state = await ReadAsync(section, CancellationToken.None).ConfigureAwait(false);
                    if (state.Generation == generation && !state.IsFull)
                    {
                        var members = state.Members.Where(m => !string.Equals(m, ParticipantId, StringComparison.Ordinal)).ToArray();
                        await section.PutJsonAsync(_key, state with { Members = members }).ConfigureAwait(false);
                    }

                    return true;
                },
                CancellationToken.None).ConfigureAwait(false);

            Volatile.Write(ref _enteredGeneration, 0);
        }
        catch (Exception ex) when (ex is MusicException or TimeoutException)
        {
            // Still counted as entered; say so, the caller's cancellation is already being thrown.
            _logger.LogWarning(ex, "Participant {Participant} could not withdraw from double barrier {Barrier}", ParticipantId, Name);
        }
    }

    private async Task<DoubleBarrierState> ReadAsync(MusicCriticalSection section, CancellationToken cancellationToken) =>
        await section.GetJsonAsync<DoubleBarrierState>(_key, cancellationToken: cancellationToken).ConfigureAwait(false) ?? DoubleBarrierState.Initial;
}
