namespace MusicRecipes.Testing.History;

/// <summary>The checker's findings over one history.</summary>
/// <param name="Violations">Every broken guarantee, described; empty when the history is correct.</param>
/// <param name="Acknowledged">Increments whose writes were acknowledged while holding.</param>
/// <param name="Indeterminate">Increments whose outcome is unknown.</param>
/// <param name="CompletedHolds">Holds that completed cleanly.</param>
public sealed record HistoryReport(IReadOnlyList<string> Violations, int Acknowledged, int Indeterminate, int CompletedHolds)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{CompletedHolds} clean holds, {Acknowledged} acknowledged and {Indeterminate} indeterminate increments, {Violations.Count} violation(s)"
        + (Violations.Count == 0 ? string.Empty : ":" + Environment.NewLine + string.Join(Environment.NewLine, Violations.Take(20)));
}
