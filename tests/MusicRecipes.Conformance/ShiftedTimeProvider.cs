namespace MusicRecipes.Conformance;

/// <summary>A clock that runs ahead of (or behind) the system clock, to prove wall clocks never decide who wins.</summary>
public sealed class ShiftedTimeProvider(TimeSpan shift) : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}
