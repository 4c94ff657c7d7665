namespace MusicRecipes.Core.Tests;

public sealed class MusicKeyTests
{
    [Fact]
    public void A_key_set_is_made_distinct_and_ordinal_sorted()
    {
        Assert.Equal(new[] { "B", "a", "b" }, MusicKey.NormalizeSet(["b", "a", "B", "a"], "keys"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    public void Invalid_keys_are_rejected_with_the_parameter_name(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => MusicKey.Validate(key, "key"));
        Assert.Equal("key", error.ParamName);
    }

    [Fact]
    public void Keys_may_hold_slashes_and_any_printable_text_up_to_the_limit()
    {
        MusicKey.Validate("tenant/42/job:α", "key");
        MusicKey.Validate(new string('k', MusicKey.MaxLength), "key");
        Assert.Throws<ArgumentException>(() => MusicKey.Validate(new string('k', MusicKey.MaxLength + 1), "key"));
    }
}
