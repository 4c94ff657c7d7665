namespace MusicRecipes.Recipes.Queue;

/// <summary>Options of a <see cref="MusicWorkQueue"/>.</summary>
/// <example>
/// <code>
/// var queue = new MusicWorkQueue(client, "templates", new MusicWorkQueueOptions { WorkerId = $"{site}-placer" });
/// </code>
/// </example>
public sealed class MusicWorkQueueOptions
{
    /// <summary>
    /// This instance's producer id, for people reading item ids and logs. Default: the client's site and a random
    /// suffix, new for every instance. A configured id may be reused safely: a restarted process, or even a second live
    /// instance wrongly given the same id, writes a stream of its own (<c>{id}~2</c>, <c>{id}~3</c>…), so item ids are
    /// never reused; the only cost is one more registry entry per instance.
    /// </summary>
    public string? ProducerId { get; set; }

    /// <summary>This instance's worker id, recorded in claims and declines. Default: the producer id.</summary>
    public string? WorkerId { get; set; }

    /// <summary>First delay between discovery rounds of <see cref="MusicWorkQueue.ClaimNextAsync"/> when idle; doubles up to <see cref="MaxPollInterval"/>. Default 20 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Largest delay between idle discovery rounds. Default 1 s.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a worker trusts its local replica saying another worker claimed an item before it checks that claim
    /// under the item's lock (recovering the item if that worker died). Until then it does not try the item's lock,
    /// which would cost lock-service writes only to find it held. An item whose worker died is recovered this long
    /// after its session expired, at the latest. Default 5 s.
    /// </summary>
    public TimeSpan ForeignClaimTrust { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a worker leaves alone an item another worker announced it is about to lock (an eventual put at that
    /// worker's site, made just before its lock attempt): long enough for that attempt to finish and its "claimed" to
    /// replicate. Zero turns the announcements off. Default 2 s.
    /// </summary>
    public TimeSpan ClaimIntentTrust { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a producer registration or a status read may wait for a lock. Default 30 s.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of the recipe's delays and timestamps (for example a fake one in tests). Default <see cref="TimeProvider.System"/>; a host passes the container's.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPollInterval, PollInterval, nameof(MaxPollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LockTimeout, TimeSpan.Zero, nameof(LockTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(ForeignClaimTrust, TimeSpan.Zero, nameof(ForeignClaimTrust));
        ArgumentOutOfRangeException.ThrowIfLessThan(ClaimIntentTrust, TimeSpan.Zero, nameof(ClaimIntentTrust));
    }
}
