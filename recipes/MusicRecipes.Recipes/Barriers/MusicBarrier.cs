using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// A barrier over distributed state, as Curator's MusicBarrier: while it is set, every
/// <see cref="WaitOnBarrierAsync(CancellationToken)"/> blocks; <see cref="RemoveBarrierAsync"/> releases them all.
/// </summary>
/// <remarks>
/// <para>Algorithm: the barrier is one key holding (generation, set). Set and remove change it in a critical section
/// (set starts a new generation). A waiter first reads it critically — an eventual read could miss a set that has not
/// reached its site yet and let it through — and, if it is set in generation g, polls until the key shows g removed or
/// a later generation. Why polling: see <see cref="BarrierPoller{TState}"/> (MUSIC has no watch on data).</para>
/// <example>
/// <code>
/// // coordinator
/// var barrier = new MusicBarrier(client, "schema-migration");
/// await barrier.SetBarrierAsync(ct);
/// await MigrateAsync(ct);
/// await barrier.RemoveBarrierAsync(ct);
///
/// // every worker, at any site
/// await new MusicBarrier(workerClient, "schema-migration").WaitOnBarrierAsync(ct);
/// </code>
/// </example>
/// </remarks>
public sealed class MusicBarrier
{
    private readonly IMusicClient _client;
    private readonly MusicBarrierOptions _options;
    private readonly ILogger _logger;
    private readonly BarrierPoller<BarrierState> _poller;
    private readonly string _key;

    /// <summary>Creates a handle on the barrier <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty or contains '/'.</exception>
    public MusicBarrier(IMusicClient client, string name, MusicBarrierOptions? options = null, ILogger<MusicBarrier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Name = RecipeKeys.ValidateName(name, nameof(name));
        _client = client;
        _options = options ?? new MusicBarrierOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _key = RecipeKeys.Barrier(name);
        _poller = new BarrierPoller<BarrierState>(client, new MusicMutex(client, new[] { _key }, _logger), _key, _options, _logger);
    }

    /// <summary>The barrier's name.</summary>
    public string Name { get; }

    /// <summary>Sets the barrier (idempotent): waiters block until it is removed.</summary>
    public Task SetBarrierAsync(CancellationToken cancellationToken = default) =>
        ChangeAsync("music.recipe.barrier.set", set: true, cancellationToken);

    /// <summary>Removes the barrier (idempotent): every waiter is released.</summary>
    public Task RemoveBarrierAsync(CancellationToken cancellationToken = default) =>
        ChangeAsync("music.recipe.barrier.remove", set: false, cancellationToken);

    /// <summary>Returns when the barrier is not set; waits while it is.</summary>
    /// <exception cref="MusicException">A critical read of the barrier failed (for example, this site is cut off);
    /// failed local reads are only skipped. Call again to go on waiting.</exception>
    /// <exception cref="TimeoutException">The barrier's lock was not acquired within <see cref="MusicBarrierOptions.LockTimeout"/>.</exception>
    /// <example>
    /// <code>
    /// await barrier.WaitOnBarrierAsync(ct);
    /// </code>
    /// </example>
    public async Task WaitOnBarrierAsync(CancellationToken cancellationToken = default)
    {
        using var activity = RecipeTelemetry.Start("music.recipe.barrier.wait", "barrier", _client);
        activity?.SetTag(RecipeTelemetry.BarrierTag, Name);
        var seen = await _poller.ReadCriticallyAsync(cancellationToken).ConfigureAwait(false);
        if (seen is not { IsSet: true })
        {
            activity?.SetTag(RecipeTelemetry.OutcomeTag, "not-set");
            return;
        }

        activity?.SetTag("music.barrier.generation", seen.Generation);
        await _poller.WaitUntilAsync(
            state => state.Generation > seen.Generation || (state.Generation == seen.Generation && !state.IsSet),
            cancellationToken).ConfigureAwait(false);
        activity?.SetTag(RecipeTelemetry.OutcomeTag, "released");
    }

    /// <summary>Waits at most <paramref name="timeout"/>; returns <c>false</c> when the barrier was still set.</summary>
    /// <example>
    /// <code>
    /// if (!await barrier.WaitOnBarrierAsync(TimeSpan.FromMinutes(5), ct)) { logger.LogWarning("still blocked"); }
    /// </code>
    /// </example>
    public async Task<bool> WaitOnBarrierAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var timer = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await WaitOnBarrierAsync(deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task ChangeAsync(string spanName, bool set, CancellationToken cancellationToken)
    {
        using var activity = RecipeTelemetry.Start(spanName, "barrier", _client);
        activity?.SetTag(RecipeTelemetry.BarrierTag, Name);
        var next = await _poller.InCriticalSectionAsync(
            async section =>
            {
                var state = await section.GetJsonAsync<BarrierState>(_key, cancellationToken: cancellationToken).ConfigureAwait(false) ?? new BarrierState(0, false);
                if (state.IsSet == set)
                {
                    return null;
                }

                var changed = set ? new BarrierState(state.Generation + 1, true) : state with { IsSet = false };
                await section.PutJsonAsync(_key, changed, cancellationToken: cancellationToken).ConfigureAwait(false);
                return changed;
            },
            cancellationToken).ConfigureAwait(false);
        if (next is null)
        {
            return;
        }

        activity?.SetTag("music.barrier.generation", next.Generation);
        _logger.Changed(Name, set ? "set" : "removed", next.Generation);
    }
}
