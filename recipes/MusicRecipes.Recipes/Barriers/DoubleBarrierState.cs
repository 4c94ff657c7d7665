namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// The stored state of a <see cref="MusicDoubleBarrier"/>: one round per generation. Members enter while
/// <see cref="IsFull"/> is false; the N-th entry makes it full (everybody may start); members then leave — or are
/// dropped when their membership ends (<see cref="BarrierMembership"/>) — and the round left empty starts the next
/// generation. States only move forward — (g, entering) → (g, full) → (g+1, entering) — so a stale replica can only
/// show an earlier point and never lets a waiter through early.
/// </summary>
internal sealed record DoubleBarrierState(long Generation, bool IsFull, DoubleBarrierMember[] Members)
{
    public static DoubleBarrierState Initial { get; } = new(1, false, Array.Empty<DoubleBarrierMember>());

    public bool Counts(DoubleBarrierMember member) => Members.Contains(member);

    /// <summary>
    /// The state without <paramref name="gone"/>. A round left empty opens the next generation when
    /// <paramref name="openNextWhenEmpty"/> (a full round whose members all left); an entering round just has fewer
    /// members. Returns this same instance when none of them was counted.
    /// </summary>
    public DoubleBarrierState Without(IReadOnlyCollection<DoubleBarrierMember> gone, bool openNextWhenEmpty)
    {
        if (!Members.Any(gone.Contains))
        {
            return this;
        }

        var members = Members.Where(m => !gone.Contains(m)).ToArray();
        return members.Length == 0 && openNextWhenEmpty ? new DoubleBarrierState(Generation + 1, false, Array.Empty<DoubleBarrierMember>()) : this with { Members = members };
    }
}
