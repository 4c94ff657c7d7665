namespace MusicRecipes.Testing.History;

/// <summary>The work-queue checker's findings.</summary>
/// <param name="Violations">Every broken guarantee, described; empty when the history is correct.</param>
/// <param name="Submitted">Acknowledged submissions.</param>
/// <param name="Claims">Claims recorded.</param>
/// <param name="Completed">Claims whose completion was acknowledged.</param>
/// <param name="Done">Items found done at the end.</param>
public sealed record WorkQueueReport(IReadOnlyList<string> Violations, int Submitted, int Claims, int Completed, int Done)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Submitted} items submitted, {Claims} claims, {Completed} acknowledged completions, {Done} items done at the end, {Violations.Count} violation(s)"
        + (Violations.Count == 0 ? string.Empty : ":" + Environment.NewLine + string.Join(Environment.NewLine, Violations.Take(20)));
}
