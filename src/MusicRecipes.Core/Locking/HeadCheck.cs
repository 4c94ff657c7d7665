namespace MusicRecipes.Locking;

/// <summary>
/// The result of one strong look at a ticket's queues (rule 1 of docs/design.md): whether the ticket is at the head and,
/// when it is, what the lock store remembers of each of its keys, read in the same look.
/// </summary>
/// <param name="Status">Head, waiting or gone.</param>
/// <param name="KeyStates">
/// When <paramref name="Status"/> is <see cref="HeadStatus.Head"/>: one state per position of the ticket, in the
/// ticket's key order, each read after the ticket was seen at the head of that key's queue (so it includes the
/// previous holder's last record). <c>null</c> otherwise, or when the store did not read them; the client then reads
/// them with <see cref="ILockStore.GetKeyStateAsync"/>.
/// </param>
public sealed record HeadCheck(HeadStatus Status, IReadOnlyList<VersionedKeyState>? KeyStates = null)
{
    /// <summary>Some queue still has an earlier ticket.</summary>
    public static HeadCheck Waiting { get; } = new(HeadStatus.Waiting);

    /// <summary>The ticket is in no queue any more.</summary>
    public static HeadCheck Gone { get; } = new(HeadStatus.Gone);
}
