namespace MusicRecipes;

/// <summary>
/// Exponential backoff with full jitter for the places that must retry or poll: a release the lock service did not
/// confirm (<see cref="TicketRemover"/>), and the recipes — MUSIC has no watch on data, only on lock queues
/// (rule 5 of docs/design.md), so a waiter for a value polls eventual reads, and a participant that lost its session
/// retries once the lock service is reachable again.
/// </summary>
internal sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _maximum;
    private TimeSpan _next;

    public Backoff(TimeSpan initial, TimeSpan maximum)
    {
        _initial = initial;
        _maximum = maximum;
        _next = initial;
    }

    /// <summary>The delay the next <see cref="DelayAsync"/> will use before jitter.</summary>
    public TimeSpan Current => _next;

    public void Reset() => _next = _initial;

    public async Task DelayAsync(CancellationToken cancellationToken)
    {
        // Full jitter spreads waiters of many sites instead of letting them poll in lock step.
        var delay = TimeSpan.FromTicks((long)(_next.Ticks * (0.5 + (Random.Shared.NextDouble() / 2))));
        _next = TimeSpan.FromTicks(Math.Min(_maximum.Ticks, _next.Ticks * 2));
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
    }
}
