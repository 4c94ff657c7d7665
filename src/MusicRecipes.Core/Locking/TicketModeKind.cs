namespace MusicRecipes.Locking;

/// <summary>The kinds of <see cref="TicketMode"/>.</summary>
public enum TicketModeKind
{
    /// <summary>Holds alone: a mutex or a writer.</summary>
    Exclusive,

    /// <summary>Holds with other readers.</summary>
    Shared,

    /// <summary>One of N permits of a semaphore.</summary>
    Permits,
}
