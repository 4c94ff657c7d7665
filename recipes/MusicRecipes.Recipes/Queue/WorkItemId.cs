namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// Identifies a work item: the stream of the producer instance that submitted it and that stream's sequence number
/// (from 1). An id is never given to two submissions: a failed submission burns its number, and every producer
/// instance writes a stream of its own (see <see cref="MusicWorkQueue"/>).
/// </summary>
/// <param name="Producer">The producer stream: the producer id, or <c>{id}~N</c> for a later instance with the same id.</param>
/// <param name="Sequence">The stream's sequence number of the item.</param>
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
