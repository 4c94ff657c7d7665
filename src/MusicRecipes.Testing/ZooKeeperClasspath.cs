namespace MusicRecipes.Testing;

/// <summary>
/// Finds the jars of an installed ZooKeeper server (Debian's <c>zookeeper</c> package puts them in /usr/share/java;
/// <c>scripts/install-zookeeper.sh</c> installs it). Jars are matched by name pattern, never by a fixed version.
/// </summary>
/// <example>
/// <code>
/// string cp = ZooKeeperClasspath.Find(); // "/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:..."
/// </code>
/// </example>
public static class ZooKeeperClasspath
{
    /// <summary>The environment variable that overrides the search with a ready classpath.</summary>
    public const string OverrideVariable = "MUSICRECIPES_ZOOKEEPER_CLASSPATH";

    private static readonly string[] Libraries =
    [
        "zookeeper-jute", "slf4j-api", "slf4j-log4j12", "log4j-1.2", "netty-buffer", "netty-codec", "netty-common",
        "netty-handler", "netty-resolver", "netty-transport", "netty-transport-native-epoll",
        "netty-transport-native-unix-common", "metrics-core", "snappy-java", "commons-cli", "commons-io", "jline",
        "audience-annotations",
    ];

    /// <summary>The classpath of the ZooKeeper server, or throws with the install hint.</summary>
    /// <param name="javaDirectory">Where to look; default /usr/share/java.</param>
    /// <exception cref="InvalidOperationException">No ZooKeeper server jar was found.</exception>
    public static string Find(string javaDirectory = "/usr/share/java")
    {
        if (Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } given)
        {
            return given;
        }

        // On a fresh machine the kit installs the server itself (scripts/install-zookeeper.sh), so `dotnet test` works.
        var server = Pick(javaDirectory, "zookeeper")
            ?? (ServerInstallScript.TryRun("install-zookeeper.sh") ? Pick(javaDirectory, "zookeeper") : null)
            ?? throw new InvalidOperationException(
                $"No ZooKeeper server jar in {javaDirectory}. Run scripts/install-zookeeper.sh (apt-get install -y zookeeper) or set {OverrideVariable}.");
        var jars = new List<string> { server };
        jars.AddRange(Libraries.Select(name => Pick(javaDirectory, name)).OfType<string>());
        return string.Join(':', jars);
    }

    /// <summary>
    /// The jar for <paramref name="name"/>: "name.jar" (Debian's version-free link) if present, else the highest
    /// "name-VERSION.jar", where VERSION starts with a digit (so "zookeeper" does not pick "zookeeper-jute").
    /// </summary>
    private static string? Pick(string directory, string name)
    {
        var plain = Path.Combine(directory, name + ".jar");
        if (File.Exists(plain))
        {
            return plain;
        }

        if (!Directory.Exists(directory))
        {
            return null;
        }

        return Directory.EnumerateFiles(directory, name + "-*.jar")
            .Where(path => Path.GetFileName(path).Length > name.Length + 1 && char.IsDigit(Path.GetFileName(path)[name.Length + 1]))
            .OrderBy(path => Version.TryParse(new string(Path.GetFileNameWithoutExtension(path)[(name.Length + 1)..].TakeWhile(c => char.IsDigit(c) || c == '.').ToArray()).TrimEnd('.'), out var v) ? v : new Version(0, 0))
            .LastOrDefault();
    }
}
