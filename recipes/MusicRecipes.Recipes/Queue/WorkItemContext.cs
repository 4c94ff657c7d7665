namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// What a handler of a <see cref="MusicWorkQueueWorker"/> knows about the item it holds: the item, the claim's fencing
/// token and history, and whether the claim is still held.
/// </summary>
/// <example>
/// <code>
/// public async Task&lt;WorkItemOutcome&gt; HandleAsync(WorkItemContext context, CancellationToken ct)
/// {
///     var template = context.Item.PayloadAsJson&lt;AppTemplate&gt;()!;
///     await cloud.PlaceAsync(template, fence: context.FencingToken.Value, ct); // ct fires if the claim is lost
///     return WorkItemOutcome.Completed;
/// }
/// </code>
/// </example>
public sealed class WorkItemContext
{
    private readonly WorkItemClaim _claim;

    internal WorkItemContext(WorkItemClaim claim, string queue, string workerId)
    {
        _claim = claim;
        Queue = queue;
        WorkerId = workerId;
    }

    /// <summary>The claimed item.</summary>
    public WorkItem Item => _claim.Item;

    /// <summary>The queue's name.</summary>
    public string Queue { get; }

    /// <summary>The worker holding the item.</summary>
    public string WorkerId { get; }

    /// <summary>The claim's fencing token: strictly larger for every later claim of the item. Hand it to the systems the handler writes to.</summary>
    public FencingToken FencingToken => _claim.FencingToken;

    /// <summary>How many times the item was claimed, this claim included.</summary>
    public int Attempt => _claim.Attempt;

    /// <summary>The worker whose claim this one recovered (it lost its lock mid-item), or <c>null</c>.</summary>
    public string? RecoveredFrom => _claim.RecoveredFrom;

    /// <summary>True while the claim's lock is held; read it right before a side effect that must not happen twice.</summary>
    public bool IsHeld => _claim.IsHeld;

    /// <summary>Fires when the claim's lock is lost (the handler's token fires then too).</summary>
    public CancellationToken LostToken => _claim.LostToken;
}
