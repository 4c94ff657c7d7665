namespace MusicRecipes.Conformance;

/// <summary>Keys unique to one test, so suites can share one real cluster.</summary>
public static class ConformanceKeys
{
    /// <summary>A key named after <paramref name="name"/>, unique to this call.</summary>
    public static string New(string name) => $"conf/{name}/{Guid.NewGuid():N}";
}
