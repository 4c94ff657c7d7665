namespace MusicRecipes.Recipes.Queue;

/// <summary>What a <see cref="MusicWorkQueueWorker"/> handler decided about an item.</summary>
public enum WorkItemOutcome
{
    /// <summary>Processed: the item moves to done (under the item's lock, so at most once).</summary>
    Completed,

    /// <summary>
    /// This worker cannot handle it (the placement service's "release a template it cannot fit"): the item goes back
    /// to submitted, marked as declined by this worker, so a worker elsewhere takes it.
    /// </summary>
    Released,

    /// <summary>
    /// Not now (the placement service's "site full right now"): the item goes back to submitted without being declined,
    /// so any worker — this one included — takes it later; the worker pauses before its next claim.
    /// </summary>
    PutBack,
}
