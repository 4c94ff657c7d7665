namespace MusicRecipes.Testing;

/// <summary>
/// The xunit trait that marks tests needing real servers, so the inner loop can leave them out:
/// <c>dotnet test MusicRecipes.sln --filter "Category!=RealCluster"</c> runs the in-memory and unit suites only.
/// </summary>
/// <example>
/// <code>
/// [Trait(TestCategories.Trait, TestCategories.RealCluster)]
/// public sealed class MyZooKeeperTests { … }
/// </code>
/// </example>
public static class TestCategories
{
    /// <summary>The trait's name.</summary>
    public const string Trait = "Category";

    /// <summary>Tests that start (or share) real Cassandra or ZooKeeper processes.</summary>
    public const string RealCluster = "RealCluster";
}
