using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Recipes.Tests.Tests.Queue;

/// <summary>The order a worker tries a producer's items in: every open item once, the oldest open ones rotated, the rest in order.</summary>
public sealed class ClaimOrderTests
{
    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(1, 1, 1)]
    [InlineData(5, 7, 1)]
    [InlineData(1, 8, 1)]
    [InlineData(3, 40, 1)]
    [InlineData(1, 60, 3)]
    [InlineData(1, 60, 7)]
    public void Every_open_sequence_comes_once_the_oldest_open_rotated_and_the_rest_in_order(long from, long mark, int everyNth)
    {
        bool IsOpen(long sequence) => sequence % everyNth == 0;
        var open = Enumerable.Range(0, (int)Math.Max(0, mark - from + 1)).Select(i => from + i).Where(IsOpen).ToArray();
        for (var seed = 0; seed < 50; seed++)
        {
            var order = ClaimOrder.Of(from, mark, IsOpen, new Random(seed)).ToArray();

            Assert.Equal(open, order.Order());
            var window = Math.Min(ClaimOrder.Spread, open.Length);
            var head = order.Take(window).ToArray();
            Assert.Contains(Enumerable.Range(0, Math.Max(1, window)), r => head.Select((s, i) => s == open[(i + r) % window]).All(ok => ok));
            Assert.Equal(open.Skip(window), order.Skip(window));
        }
    }

    [Fact]
    public void Workers_scanning_the_same_items_start_at_different_ones_even_behind_done_items()
    {
        // Behind one slow item the next numbers are mostly done: the rotation is over the open ones.
        bool IsOpen(long sequence) => sequence == 1 || sequence > 30;
        var starts = Enumerable.Range(0, 300).Select(seed => ClaimOrder.Of(1, 100, IsOpen, new Random(seed)).First()).ToHashSet();

        Assert.Equal(new long[] { 1, 31, 32, 33, 34, 35, 36, 37 }.ToHashSet(), starts);
    }
}
