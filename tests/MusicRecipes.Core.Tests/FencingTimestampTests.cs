namespace MusicRecipes.Core.Tests;

public sealed class FencingTimestampTests
{
    [Fact]
    public void Any_write_of_a_later_holder_beats_any_write_of_an_earlier_one()
    {
        var earlierLast = FencingTimestamp.ForCriticalWrite(ordinal: 7, sequence: FencingTimestamp.MaxSequence);
        var laterSync = FencingTimestamp.ForCriticalWrite(ordinal: 8, sequence: 0);
        Assert.True(laterSync > earlierLast);
    }

    [Fact]
    public void Writes_of_one_holder_are_ordered_by_sequence()
    {
        Assert.True(FencingTimestamp.ForCriticalWrite(3, 2) > FencingTimestamp.ForCriticalWrite(3, 1));
    }

    [Fact]
    public void Eventual_writes_order_by_clock_and_lose_to_every_critical_write()
    {
        var now = new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var eventual = FencingTimestamp.ForEventualWrite(now);
        Assert.True(FencingTimestamp.ForEventualWrite(now.AddSeconds(1)) > eventual);
        Assert.Equal(0, FencingTimestamp.OrdinalOf(eventual));
        Assert.True(FencingTimestamp.ForCriticalWrite(1, 0) > FencingTimestamp.ForEventualWrite(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void Parts_round_trip()
    {
        var timestamp = FencingTimestamp.ForCriticalWrite(123_456, 789);
        Assert.Equal(123_456, FencingTimestamp.OrdinalOf(timestamp));
        Assert.Equal(789, FencingTimestamp.SequenceOf(timestamp));
        Assert.Equal(FencingTimestamp.MaxOrdinal, FencingTimestamp.OrdinalOf(FencingTimestamp.ForCriticalWrite(FencingTimestamp.MaxOrdinal, 0)));
        Assert.True(FencingTimestamp.ForCriticalWrite(FencingTimestamp.MaxOrdinal, FencingTimestamp.MaxSequence) > 0);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(1, -1)]
    [InlineData(int.MaxValue + 1L, 0)]
    [InlineData(1, uint.MaxValue + 1L)]
    public void Out_of_range_parts_are_rejected(long ordinal, long sequence)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FencingTimestamp.ForCriticalWrite(ordinal, sequence));
    }
}
