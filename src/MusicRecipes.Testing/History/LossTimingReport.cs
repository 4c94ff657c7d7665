using System.Globalization;

namespace MusicRecipes.Testing.History;

/// <summary>What <see cref="LossTimingChecker"/> found.</summary>
/// <param name="Violations">Every hold whose holder was told of its loss too late, or saw it held too late; empty when none.</param>
/// <param name="HoldsChecked">Holds that had a successor to compare with.</param>
/// <param name="HoldsEndedByLoss">Holds that ended by a loss the holder was told of (lease, session, forced release), by reason.</param>
/// <param name="ExemptHolds">Holds a successor acquired while an <see cref="InstantRemoval"/> of their holder was under way.</param>
/// <param name="MinimumMargin">The smallest gap between a lost hold's <see cref="HoldTimeline.ToldAt"/> and its successor's acquire returning, over holds no instant removal ended (the lease's warning); <c>null</c> if no such hold had a successor.</param>
public sealed record LossTimingReport(
    IReadOnlyList<string> Violations,
    int HoldsChecked,
    IReadOnlyDictionary<string, int> HoldsEndedByLoss,
    int ExemptHolds,
    TimeSpan? MinimumMargin)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{HoldsChecked} holds checked, {HoldsEndedByLoss.Values.Sum()} ended by a loss")
        + (HoldsEndedByLoss.Count == 0 ? string.Empty : " (" + string.Join(", ", HoldsEndedByLoss.Select(p => $"{p.Key} {p.Value}")) + ")")
        + string.Create(CultureInfo.InvariantCulture, $", {ExemptHolds} exempt (instant removal), minimum told-to-successor margin ")
        + (MinimumMargin is { } margin ? string.Create(CultureInfo.InvariantCulture, $"{margin.TotalMilliseconds:F0} ms") : "n/a")
        + string.Create(CultureInfo.InvariantCulture, $", {Violations.Count} violation(s)")
        + (Violations.Count == 0 ? string.Empty : ":" + Environment.NewLine + string.Join(Environment.NewLine, Violations.Take(20)));
}
