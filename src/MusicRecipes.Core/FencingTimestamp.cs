namespace MusicRecipes;

/// <summary>
/// Write timestamps that make later holders win whatever the clocks say (rule 2 of docs/design.md).
/// </summary>
/// <remarks>
/// A timestamp is <c>ordinal &lt;&lt; 32 | low</c>. Critical writes put the ticket's per-key ordinal (≥ 1) in the
/// high 31 bits and the holder's write sequence in the low 32 bits (counting from 1, shared by the sync write-backs and the
/// puts of the hold, so each write of a hold is later than the one before),
/// so any write of a later holder beats any write of an earlier one. Eventual writes use ordinal 0 and put a
/// coarse clock (tenths of a second since 2025-01-01 UTC) in the low bits, so they order among themselves by time
/// and always lose to a critical write. The clock part lasts until 2038; ordinals go to 2^31 - 1 per key, the
/// same bound as a ZooKeeper sequential node.
/// </remarks>
public static class FencingTimestamp
{
    /// <summary>The largest ordinal a key's queue can hand out.</summary>
    public const long MaxOrdinal = int.MaxValue;

    /// <summary>The largest write sequence one hold can use.</summary>
    public const long MaxSequence = uint.MaxValue;

    private static readonly DateTimeOffset EventualEpoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The timestamp of a critical write: the ticket's ordinal for the key, then the holder's sequence.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ordinal or sequence is out of range.</exception>
    public static long ForCriticalWrite(long ordinal, long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ordinal, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ordinal, MaxOrdinal);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, MaxSequence);
        return (ordinal << 32) | sequence;
    }

    /// <summary>The timestamp of an eventual write made at <paramref name="now"/>: ordinal 0, clock in the low bits.</summary>
    public static long ForEventualWrite(DateTimeOffset now)
    {
        var tenths = (now - EventualEpoch).Ticks / (TimeSpan.TicksPerMillisecond * 100);
        return Math.Clamp(tenths, 0, MaxSequence);
    }

    /// <summary>The ordinal part of a timestamp (0 for an eventual write).</summary>
    public static long OrdinalOf(long timestamp) => timestamp >>> 32;

    /// <summary>The sequence (or clock) part of a timestamp.</summary>
    public static long SequenceOf(long timestamp) => timestamp & MaxSequence;
}
