namespace MusicRecipes.Recipes.Barriers;

/// <summary>Options of <see cref="DistributedBarrier"/> and <see cref="DistributedDoubleBarrier"/>.</summary>
/// <example>
/// <code>
/// var barrier = new DistributedBarrier(client, "deploy-42", new BarrierOptions { MaxPollInterval = TimeSpan.FromSeconds(1) });
/// </code>
/// </example>
public sealed class BarrierOptions
{
    /// <summary>This participant's id (double barrier). Default: the client's site and a random suffix.</summary>
    public string? ParticipantId { get; set; }

    /// <summary>First delay between polls of a waiter; doubles up to <see cref="MaxPollInterval"/>. Default 10 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Largest delay between polls. Default 500 ms.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Every this many polls a waiter reads critically (under the lock) instead of at its local replica, which bounds
    /// how long a lagging replica can delay a release. Default 10.
    /// </summary>
    public int CriticalReadEvery { get; set; } = 10;

    /// <summary>How long a state change may wait for the barrier's lock before it fails. Default 30 s.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPollInterval, PollInterval, nameof(MaxPollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(CriticalReadEvery, 1, nameof(CriticalReadEvery));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LockTimeout, TimeSpan.Zero, nameof(LockTimeout));
    }
}
