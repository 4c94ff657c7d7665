namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// The state of a work item, as stored in the item's state key (written only with critical puts) and returned by
/// <see cref="MusicWorkQueue.GetStatusAsync"/>.
/// </summary>
/// <param name="State">Submitted, claimed or done.</param>
/// <param name="Worker">The worker that claimed or completed it.</param>
/// <param name="FencingToken">The fencing token of that worker's claim.</param>
/// <param name="Attempt">How many times it was claimed (more than 1 after a release or a recovery).</param>
/// <param name="DeclinedBy">Workers that released it because they cannot handle it.</param>
/// <example>
/// <code>
/// var status = await queue.GetStatusAsync(id, ct);
/// if (status.State == WorkItemState.Done) { logger.LogInformation("{Item} placed by {Worker}", id, status.Worker); }
/// </code>
/// </example>
public sealed record WorkItemStatus(WorkItemState State, string? Worker, long? FencingToken, int Attempt, IReadOnlyList<string> DeclinedBy)
{
    /// <summary>The status of an item no worker has touched yet.</summary>
    public static WorkItemStatus Submitted { get; } = new(WorkItemState.Submitted, null, null, 0, Array.Empty<string>());
}
