namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>What became of one fault: its target, and why its repair failed if it did.</summary>
internal sealed record FaultResult(string Target, string? Unrepaired = null)
{
    public static FaultResult Repaired(string target) => new(target);
}
