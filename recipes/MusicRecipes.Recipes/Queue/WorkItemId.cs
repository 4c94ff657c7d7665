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
/// var same = WorkItemId.Parse(id.ToString());
/// </code>
/// </example>
public readonly record struct WorkItemId(string Producer, long Sequence)
{
    /// <summary>Reads back an id written by <see cref="ToString"/>: the producer stream, a slash, the sequence number.</summary>
    /// <example>
    /// <code>
    /// var status = await queue.GetStatusAsync(WorkItemId.Parse(route["item"]), ct);
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not "producer/sequence" with a non-empty producer and an integer sequence.</exception>
    public static WorkItemId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.LastIndexOf('/');
        if (slash <= 0 || !long.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence))
        {
            throw new FormatException($"'{text}' is not a work item id (producer/sequence).");
        }

        return new WorkItemId(text[..slash], sequence);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Producer}/{Sequence}";
}
