namespace MusicRecipes.Testing;

/// <summary>Finds the Cassandra 2.1 distribution installed by scripts/install-cassandra.sh.</summary>
internal static class CassandraDistribution
{
    public const string HomeVariable = "MUSIC_CASSANDRA_HOME";

    public static string Find(string? configured)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(configured))
        {
            candidates.Add(configured);
        }

        if (Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } fromEnvironment)
        {
            candidates.Add(fromEnvironment);
        }

        candidates.Add("/opt/musicrecipes/cassandra/apache-cassandra-2.1.0");
        candidates.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache/musicrecipes/cassandra/apache-cassandra-2.1.0"));

        // On a fresh machine the kit installs the server itself (scripts/install-cassandra.sh) so that the README's
        // `dotnet test` works without running the script first, as ZooKeeperClasspath does for ZooKeeper.
        return FirstInstalled(candidates)
            ?? (ServerInstallScript.TryRun("install-cassandra.sh") ? FirstInstalled(candidates) : null)
            ?? throw new InvalidOperationException(
                $"Cassandra 2.1.0 not found (looked in {string.Join(", ", candidates)}). Run scripts/install-cassandra.sh or set {HomeVariable}.");
    }

    private static string? FirstInstalled(IEnumerable<string> candidates) =>
        candidates.FirstOrDefault(candidate => File.Exists(Path.Combine(candidate, "lib", "apache-cassandra-2.1.0.jar")));

    /// <summary>Every jar of lib/, for the JVM classpath.</summary>
    public static string Classpath(string home) =>
        string.Join(':', Directory.GetFiles(Path.Combine(home, "lib"), "*.jar").Order(StringComparer.Ordinal));
}
