namespace MusicRecipes.Bench;

/// <summary>ZooKeeper requests one uncontended section of k read-modify-writes cost, counted on the servers.</summary>
internal sealed record RequestCount(string Variant, int K, double PerSection);
