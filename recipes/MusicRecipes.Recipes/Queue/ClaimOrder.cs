namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// The order in which a worker tries a producer's open items: oldest first, except that the oldest few are tried from
/// a random one on. Workers that scan the same producer at the same moment would otherwise all try its oldest open
/// item, and every loser pays a lock attempt (an enqueue and a removal through the lock service's leader) for nothing.
/// </summary>
internal static class ClaimOrder
{
    /// <summary>How many of the oldest open items are tried in a rotated order.</summary>
    public const int Spread = 8;

    /// <summary>
    /// The sequences from <paramref name="from"/> to <paramref name="mark"/> that <paramref name="isOpen"/> accepts
    /// (items this worker has not settled and is not processing), each once: the oldest <see cref="Spread"/> (or fewer)
    /// rotated by a random amount, then the rest in order. Open-ness counts among the oldest, not sequence numbers:
    /// behind one slow item the next numbers are mostly done, and a window of numbers would leave one open item to all.
    /// </summary>
    public static IEnumerable<long> Of(long from, long mark, Func<long, bool> isOpen, Random random)
    {
        var oldest = new List<long>(Spread);
        var sequence = from;
        for (; sequence <= mark && oldest.Count < Spread; sequence++)
        {
            if (isOpen(sequence))
            {
                oldest.Add(sequence);
            }
        }

        var rotation = oldest.Count == 0 ? 0 : random.Next(oldest.Count);
        for (var i = 0; i < oldest.Count; i++)
        {
            yield return oldest[(i + rotation) % oldest.Count];
        }

        for (; sequence <= mark; sequence++)
        {
            if (isOpen(sequence))
            {
                yield return sequence;
            }
        }
    }
}
