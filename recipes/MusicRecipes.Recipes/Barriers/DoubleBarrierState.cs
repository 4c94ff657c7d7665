namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// The stored state of a <see cref="DistributedDoubleBarrier"/>: one round per generation. Members enter while
/// <see cref="IsFull"/> is false; the N-th entry makes it full (everybody may start); members then leave, and the last
/// one to leave starts the next generation. States only move forward — (g, entering) → (g, full) → (g+1, entering) —
/// so a stale replica can only show an earlier point and never lets a waiter through early.
/// </summary>
internal sealed record DoubleBarrierState(long Generation, bool IsFull, string[] Members)
{
    public static DoubleBarrierState Initial { get; } = new(1, false, Array.Empty<string>());
}
