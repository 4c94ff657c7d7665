using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Recipes.Tests.Tests.Queue;

/// <summary>The order a worker tries a producer's items in: every item once, the oldest few rotated, the rest in order.</summary>
public sealed class ClaimOrderTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(5, 7)]
    [InlineData(1, 8)]
    [InlineData(3, 40)]
    public void Every_sequence_comes_once_the_oldest_rotated_and_the_rest_in_order(long from, long mark)
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var order = ClaimOrder.Of(from, mark, new Random(seed)).ToArray();
            var expected = Enumerable.Range(0, (int)Math.Max(0, mark - from + 1)).Select(i => from + i).ToArray();

            Assert.Equal(expected, order.Order());
            var window = (int)Math.Min(ClaimOrder.Spread, expected.Length);
            var head = order.Take(window).ToArray();
            Assert.Contains(Enumerable.Range(0, Math.Max(1, window)), r => head.Select((s, i) => s == from + ((i + r) % window)).All(ok => ok));
            Assert.Equal(expected.Skip(window), order.Skip(window));
        }
    }

    [Fact]
    public void Workers_scanning_the_same_items_start_at_different_ones()
    {
        var starts = Enumerable.Range(0, 200).Select(seed => ClaimOrder.Of(1, 100, new Random(seed)).First()).ToHashSet();

        Assert.Equal(Enumerable.Range(1, ClaimOrder.Spread).Select(i => (long)i).ToHashSet(), starts);
    }
}
