namespace MusicRecipes.Bench;

/// <summary>
/// One measured case of <see cref="SectionBench"/>. Check is the counter check: "ok" when the final counter equals the
/// increments known to have taken effect.
/// </summary>
internal sealed record SectionResult(
    string Network,
    string Variant,
    int K,
    string Keys,
    int Sections,
    double SectionsPerSecond,
    double P50Ms,
    double P99Ms,
    int Errors,
    int Conflicts,
    string Check)
{
    public double OpsPerSecond => SectionsPerSecond * K;
}
