namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// A typed handler of work items, resolved from a DI scope of its own for every item when registered with
/// <c>AddMusicWorkQueueWorker&lt;THandler&gt;</c> (MusicRecipes.Hosting), so it may take scoped services (a DbContext,
/// an HTTP client per item). Return <see cref="WorkItemOutcome.Completed"/>, <see cref="WorkItemOutcome.Released"/>
/// (this worker can never handle it) or <see cref="WorkItemOutcome.PutBack"/> (not now).
/// </summary>
/// <example>
/// <code>
/// public sealed class PlacementHandler(ICloud cloud) : IWorkItemHandler
/// {
///     public async Task&lt;WorkItemOutcome&gt; HandleAsync(WorkItemContext context, CancellationToken cancellationToken)
///     {
///         var template = context.Item.PayloadAsJson&lt;AppTemplate&gt;()!;
///         if (!cloud.CanEverFit(template)) { return WorkItemOutcome.Released; }
///         await cloud.PlaceAsync(template, context.FencingToken.Value, cancellationToken);
///         return WorkItemOutcome.Completed;
///     }
/// }
/// // services.AddMusic(o => o.UseInMemory()).AddMusicWorkQueueWorker&lt;PlacementHandler&gt;("templates", workers: 2);
/// </code>
/// </example>
public interface IWorkItemHandler
{
    /// <summary>Handles one claimed item; <paramref name="cancellationToken"/> fires when the claim is lost or the host stops.</summary>
    Task<WorkItemOutcome> HandleAsync(WorkItemContext context, CancellationToken cancellationToken);
}
