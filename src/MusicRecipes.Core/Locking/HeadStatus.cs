namespace MusicRecipes.Locking;

/// <summary>The result of a strong read of a ticket's queues.</summary>
public enum HeadStatus
{
    /// <summary>The ticket is first in every one of its queues.</summary>
    Head,

    /// <summary>Some queue still has an earlier ticket.</summary>
    Waiting,

    /// <summary>The ticket is in no queue any more (released, forcibly removed, or its session expired).</summary>
    Gone,
}
