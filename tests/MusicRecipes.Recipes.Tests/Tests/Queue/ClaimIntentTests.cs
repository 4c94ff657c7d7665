using Microsoft.Extensions.Time.Testing;
using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Recipes.Tests.Tests.Queue;

/// <summary>The claim intent is a hint: honoured briefly, never for one's own, never when unreadable or far off in time.</summary>
public sealed class ClaimIntentTests
{
    private static readonly TimeSpan Trust = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Another_workers_fresh_intent_holds_off_until_the_trust_runs_out()
    {
        var intent = ClaimIntent.Encode("other", _clock);

        Assert.True(ClaimIntent.HoldsOff(intent, "me", _clock, Trust));
        _clock.Advance(Trust - TimeSpan.FromMilliseconds(1));
        Assert.True(ClaimIntent.HoldsOff(intent, "me", _clock, Trust));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(ClaimIntent.HoldsOff(intent, "me", _clock, Trust));
    }

    [Fact]
    public void Own_missing_unreadable_or_disabled_intents_never_hold_off()
    {
        Assert.False(ClaimIntent.HoldsOff(ClaimIntent.Encode("me", _clock), "me", _clock, Trust));
        Assert.False(ClaimIntent.HoldsOff(null, "me", _clock, Trust));
        Assert.False(ClaimIntent.HoldsOff("not json"u8.ToArray(), "me", _clock, Trust));
        Assert.False(ClaimIntent.HoldsOff("null"u8.ToArray(), "me", _clock, Trust));
        Assert.False(ClaimIntent.HoldsOff(ClaimIntent.Encode("other", _clock), "me", _clock, TimeSpan.Zero));
    }

    [Fact]
    public void An_intent_from_a_clock_far_ahead_is_ignored_and_one_slightly_ahead_is_honoured()
    {
        var writer = new FakeTimeProvider(_clock.GetUtcNow() + TimeSpan.FromMinutes(10));
        Assert.False(ClaimIntent.HoldsOff(ClaimIntent.Encode("other", writer), "me", _clock, Trust));

        writer = new FakeTimeProvider(_clock.GetUtcNow() + TimeSpan.FromMilliseconds(500));
        Assert.True(ClaimIntent.HoldsOff(ClaimIntent.Encode("other", writer), "me", _clock, Trust));
    }
}
