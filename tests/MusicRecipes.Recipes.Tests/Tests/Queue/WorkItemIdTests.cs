using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Recipes.Tests.Tests.Queue;

/// <summary><see cref="WorkItemId.Parse"/> reads back exactly what <see cref="WorkItemId.ToString"/> writes, and nothing else.</summary>
public sealed class WorkItemIdTests
{
    [Theory]
    [InlineData("site-0-1f2e3d4c", 17)]
    [InlineData("p~2", 1)]
    [InlineData("w", long.MaxValue)]
    public void An_id_reads_back_from_its_text(string producer, long sequence)
    {
        var id = new WorkItemId(producer, sequence);
        Assert.Equal(id, WorkItemId.Parse(id.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("p")]
    [InlineData("/17")]
    [InlineData("p/")]
    [InlineData("p/x")]
    [InlineData("p/-1")]
    [InlineData("p/ 1")]
    public void Anything_else_is_a_format_error(string text) => Assert.Throws<FormatException>(() => WorkItemId.Parse(text));

    [Fact]
    public void Null_is_refused() => Assert.Throws<ArgumentNullException>(() => WorkItemId.Parse(null!));
}
