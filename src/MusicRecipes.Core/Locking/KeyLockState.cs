namespace MusicRecipes.Locking;

/// <summary>
/// What the lock store remembers of a key between holders, so a new holder knows whether it must sync
/// (rule 3 of docs/design.md).
/// </summary>
/// <param name="LastAcquired">Ordinal of the last ticket that acquired the key, or <c>null</c> if none ever did.</param>
/// <param name="LastAcquiredAt">When that ticket acquired it, by the lock store's clock.</param>
/// <param name="LastCleanRelease">Ordinal of the last ticket that released the key cleanly, or <c>null</c>.</param>
public sealed record KeyLockState(long? LastAcquired, DateTimeOffset? LastAcquiredAt, long? LastCleanRelease)
{
    /// <summary>The state of a key nobody has locked yet.</summary>
    public static KeyLockState Empty { get; } = new(null, null, null);

    /// <summary>
    /// True when the ticket with <paramref name="ordinal"/> must sync the key before it holds it: the last holder
    /// was someone else and did not record a clean release. Unsynced is the default: a forced removal, a
    /// session expiry or a failed put simply never records a clean release.
    /// </summary>
    public bool NeedsSyncBefore(long ordinal) =>
        LastAcquired is { } last && last != ordinal && LastCleanRelease != last;

    /// <summary>True when the ticket with <paramref name="ordinal"/> already recorded its acquisition.</summary>
    public bool IsAcquiredBy(long ordinal) => LastAcquired == ordinal;
}
