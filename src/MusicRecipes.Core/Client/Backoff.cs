namespace MusicRecipes;

/// <summary>
/// Exponential backoff with jitter for the places that must retry or poll: a release the lock service did not
/// confirm, and recipes — MUSIC has no watch on data, only on lock queues (rule 5 of docs/design.md), so a waiter for a
/// value polls eventual reads, and a participant that lost its session retries once the lock service is reachable
/// again. Each <see cref="DelayAsync"/> waits between half and all of the current delay, then doubles it up to the
/// maximum; <see cref="Reset"/> starts again from the initial delay. Not thread-safe: one instance per loop.
/// </summary>
/// <example>
/// <code>
/// var backoff = new Backoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1));
/// while (await client.GetAsync("config/ready", ct) is null)
/// {
///     await backoff.DelayAsync(ct);
/// }
/// </code>
/// </example>
public sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _maximum;
    private readonly TimeProvider _time;
    private TimeSpan _next;

    /// <summary>Creates a backoff from <paramref name="initial"/> doubling up to <paramref name="maximum"/>.</summary>
    /// <param name="initial">The first delay; positive.</param>
    /// <param name="maximum">The largest delay; at least <paramref name="initial"/>.</param>
    /// <param name="time">The clock the delays run on (a fake one in tests); default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initial"/> is not positive, or <paramref name="maximum"/> is smaller.</exception>
    public Backoff(TimeSpan initial, TimeSpan maximum, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, initial);
        _initial = initial;
        _maximum = maximum;
        _time = time ?? TimeProvider.System;
        _next = initial;
    }

    /// <summary>The delay the next <see cref="DelayAsync"/> will use before jitter.</summary>
    public TimeSpan Current => _next;

    /// <summary>Starts again from the initial delay (after a success).</summary>
    public void Reset() => _next = _initial;

    /// <summary>Waits between half and all of <see cref="Current"/> (full jitter), then doubles it up to the maximum.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task DelayAsync(CancellationToken cancellationToken = default)
    {
        // Full jitter spreads waiters of many sites instead of letting them poll in lock step.
        var delay = TimeSpan.FromTicks((long)(_next.Ticks * (0.5 + (Random.Shared.NextDouble() / 2))));
        _next = TimeSpan.FromTicks(Math.Min(_maximum.Ticks, _next.Ticks * 2));
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
    }
}
