namespace MusicRecipes.Locking;

/// <summary>
/// What the lock store remembers of a key between holders, so a new holder knows whether it must sync
/// (rule 3 of docs/design.md).
/// </summary>
/// <param name="LastAcquired">Ordinal of the last ticket that acquired the key, or <c>null</c> if none ever did.</param>
/// <param name="LastAcquiredAt">When that ticket acquired it, by the lock store's clock.</param>
/// <param name="LastCleanRelease">Ordinal of the last ticket that released the key cleanly, or <c>null</c>.</param>
/// <param name="LastWrite">
/// The fencing timestamp of the newest acknowledged critical write of the key as of its last clean release, or
/// <c>null</c> when unknown. A holder that finds the key clean may then read its local replica instead of a quorum:
/// a local value carrying exactly this timestamp is the latest value (timestamps are unique per write, and nobody
/// wrote since the clean release).
/// </param>
public sealed record KeyLockState(long? LastAcquired, DateTimeOffset? LastAcquiredAt, long? LastCleanRelease, long? LastWrite = null)
{
    /// <summary>The state of a key nobody has locked yet.</summary>
    public static KeyLockState Empty { get; } = new(null, null, null);

    /// <summary>
    /// The newest acknowledged critical write a holder with <paramref name="ordinal"/> can count on without reading a
    /// quorum: <see cref="LastWrite"/> when the previous holder released cleanly; otherwise <c>null</c>.
    /// </summary>
    public long? KnownLastWriteFor(long ordinal) =>
        LastAcquired is { } last && last != ordinal && LastCleanRelease == last ? LastWrite : null;

    /// <summary>
    /// True when the ticket with <paramref name="ordinal"/> must sync the key before it holds it: the last holder
    /// was someone else and did not record a clean release. Unsynced is the default: a forced removal, a
    /// session expiry or a failed put simply never records a clean release.
    /// </summary>
    public bool NeedsSyncBefore(long ordinal) =>
        LastAcquired is { } last && last != ordinal && LastCleanRelease != last;

    /// <summary>
    /// This state with the acquisition of the ticket with <paramref name="ordinal"/> recorded at <paramref name="at"/>
    /// (the lock store's clock); the clean-release record and the last write stay as they were.
    /// </summary>
    public KeyLockState AcquiredBy(long ordinal, DateTimeOffset at) => this with { LastAcquired = ordinal, LastAcquiredAt = at };

    /// <summary>True when the ticket with <paramref name="ordinal"/> already recorded its acquisition.</summary>
    public bool IsAcquiredBy(long ordinal) => LastAcquired == ordinal;
}
