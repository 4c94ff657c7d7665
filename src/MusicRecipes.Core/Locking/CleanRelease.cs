namespace MusicRecipes.Locking;

/// <summary>
/// What a clean release tells the lock store (rule 3 of docs/design.md): every critical write of the hold was
/// acknowledged, and the newest acknowledged write of each key is <see cref="LastWrites"/> (one per position of the
/// ticket, in the ticket's key order; <c>null</c> when the client does not know it), which the store records as the
/// key's <see cref="KeyLockState.LastWrite"/>.
/// </summary>
/// <param name="LastWrites">The fencing timestamp of the newest acknowledged write of each key, or <c>null</c>.</param>
public sealed record CleanRelease(IReadOnlyList<long?> LastWrites)
{
    /// <summary>The newest acknowledged write of the ticket's <paramref name="index"/>-th key, or <c>null</c>.</summary>
    public long? LastWriteAt(int index) => index < LastWrites.Count ? LastWrites[index] : null;
}
