namespace MusicRecipes.Reliability.Tests;

/// <summary>The reliability runs take turns: each starts a 3-node Cassandra cluster and a 3-server ensemble of its own, and two at once would fight over two cores.</summary>
[CollectionDefinition(Name)]
public sealed class ReliabilityRuns
{
    public const string Name = "reliability runs";
}
