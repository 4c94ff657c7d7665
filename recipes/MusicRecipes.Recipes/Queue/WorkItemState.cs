namespace MusicRecipes.Recipes.Queue;

/// <summary>Where a work item is in its life: submitted → claimed → done (a release goes back to submitted).</summary>
public enum WorkItemState
{
    /// <summary>Submitted (or released) and waiting for a worker.</summary>
    Submitted,

    /// <summary>A worker claimed it and may be processing it.</summary>
    Claimed,

    /// <summary>Processed. Final.</summary>
    Done,
}
