namespace MusicRecipes.Recipes.Barriers;

/// <summary>Options of <see cref="MusicBarrier"/> and <see cref="MusicDoubleBarrier"/>.</summary>
/// <example>
/// <code>
/// var barrier = new MusicBarrier(client, "deploy-42", new MusicBarrierOptions { MaxPollInterval = TimeSpan.FromSeconds(1) });
/// </code>
/// </example>
public sealed class MusicBarrierOptions
{
    /// <summary>
    /// This participant's id (double barrier), a label for logs and diagnostics. Default: the client's site and a
    /// random suffix. What makes a participant count is its membership (one per entry), not its id, so two instances
    /// given the same id count as two participants.
    /// </summary>
    public string? ParticipantId { get; set; }

    /// <summary>First delay between polls of a waiter; doubles up to <see cref="MaxPollInterval"/>. Default 10 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Largest delay between polls. Default 500 ms.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Every this many polls a waiter reads critically (under the lock) instead of at its local replica, which bounds
    /// how long a lagging replica can delay a release; a double-barrier waiter also checks then whether the other
    /// members' lock sessions still live. A failed local read is skipped; a failed critical read ends the wait with its
    /// exception (the waits can be called again). Default 10.
    /// </summary>
    public int CriticalReadEvery { get; set; } = 10;

    /// <summary>How long a state change, a critical read or a double-barrier membership may wait for its lock before it fails. Default 30 s.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of the recipe's delays and timestamps (for example a fake one in tests). Default <see cref="TimeProvider.System"/>; a host passes the container's.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPollInterval, PollInterval, nameof(MaxPollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(CriticalReadEvery, 1, nameof(CriticalReadEvery));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LockTimeout, TimeSpan.Zero, nameof(LockTimeout));
    }
}
