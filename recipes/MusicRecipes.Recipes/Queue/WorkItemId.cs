namespace MusicRecipes.Recipes.Queue;

/// <summary>Identifies a work item: the producer that submitted it and the producer's sequence number (from 1).</summary>
/// <param name="Producer">The producer id.</param>
/// <param name="Sequence">The producer's sequence number of the item.</param>
/// <example>
/// <code>
/// WorkItemId id = await queue.SubmitAsync(payload, ct);
/// logger.LogInformation("submitted {Item}", id); // "site-0-1f2e3d4c/17"
/// </code>
/// </example>
public readonly record struct WorkItemId(string Producer, long Sequence)
{
    /// <inheritdoc />
    public override string ToString() => $"{Producer}/{Sequence}";
}
