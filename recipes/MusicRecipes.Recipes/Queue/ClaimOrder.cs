namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// The order in which a worker tries a producer's items: oldest first, except that the first few are tried from a
/// random one on. Workers that scan the same producer at the same moment would otherwise all try its oldest open item,
/// and every loser pays a lock attempt (an enqueue and a removal through the lock service's leader) for nothing.
/// </summary>
internal static class ClaimOrder
{
    /// <summary>How many of the oldest items are tried in a rotated order.</summary>
    public const int Spread = 8;

    /// <summary>
    /// Every sequence from <paramref name="from"/> to <paramref name="mark"/> once: the first <see cref="Spread"/> (or
    /// fewer) rotated by a random amount, then the rest in order.
    /// </summary>
    public static IEnumerable<long> Of(long from, long mark, Random random)
    {
        if (mark < from)
        {
            yield break;
        }

        var window = (int)Math.Min(Spread, mark - from + 1);
        var rotation = random.Next(window);
        for (var i = 0; i < window; i++)
        {
            yield return from + ((i + rotation) % window);
        }

        for (var sequence = from + window; sequence <= mark; sequence++)
        {
            yield return sequence;
        }
    }
}
