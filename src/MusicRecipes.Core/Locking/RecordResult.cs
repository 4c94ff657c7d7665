namespace MusicRecipes.Locking;

/// <summary>The outcome of <see cref="ILockStore.TryRecordAcquiredAsync"/>.</summary>
public enum RecordResult
{
    /// <summary>The acquisition is recorded.</summary>
    Recorded,

    /// <summary>The key's state is no longer the one the caller read; nothing was written. Read it again and decide again.</summary>
    StateChanged,

    /// <summary>The ticket is no longer queued (removed, or its session ended); nothing was written. The ticket is lost.</summary>
    TicketGone,
}
