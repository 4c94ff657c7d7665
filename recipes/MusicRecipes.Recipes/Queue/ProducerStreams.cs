using System.Globalization;

namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// Names the stream a producer instance writes its items to. Every <see cref="MusicWorkQueue"/> instance writes a
/// stream of its own, chosen in the critical section that registers it, so no two instances ever number items in the
/// same stream — not a restarted process with the same configured id, not two live instances wrongly given one id.
/// </summary>
/// <remarks>
/// Why a fresh stream rather than continuing the old numbers: the previous instance's high-water mark is written with
/// eventual puts, which may land at any replica arbitrarily late (an ambiguous write, a hint replayed after a heal), so
/// no read at start-up — local or at quorum — bounds the numbers that instance used. Only something decided before a
/// number is used can: here, the stream name, decided under the registry's lock.
/// </remarks>
internal static class ProducerStreams
{
    /// <summary>Separates the producer id from the instance number in a stream name (<c>p</c>, <c>p~2</c>, <c>p~3</c>…).</summary>
    public const char Separator = '~';

    /// <summary>The producer id itself if no stream has that name yet, else the first free <c>{id}~{n}</c>, n ≥ 2.</summary>
    public static string Choose(IEnumerable<string> registered, string producerId)
    {
        var taken = registered.ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(producerId))
        {
            return producerId;
        }

        for (var n = 2; ; n++)
        {
            var stream = producerId + Separator + n.ToString(CultureInfo.InvariantCulture);
            if (!taken.Contains(stream))
            {
                return stream;
            }
        }
    }
}
