namespace MusicRecipes.Testing.History;

/// <summary>What became of the write of one recorded critical section.</summary>
public enum HoldOutcome
{
    /// <summary>The put was acknowledged while the ticket was still valid: the write must survive.</summary>
    Acknowledged,

    /// <summary>The put timed out, or was acknowledged after the hold was lost: it may or may not survive.</summary>
    Indeterminate,

    /// <summary>Nothing was written (acquire failed, or the put failed definitely before writing).</summary>
    Failed,
}
