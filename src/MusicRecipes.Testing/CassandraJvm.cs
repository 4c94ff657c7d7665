using System.Globalization;

namespace MusicRecipes.Testing;

/// <summary>
/// The JVM flags a Cassandra 2.1 node needs on Java 17, shared by the process kit (<see cref="CassandraNodeProcess"/>)
/// and the container kit (MusicRecipes.Testing.Containers passes them to its image as <c>JVM_OPTS</c>): a small heap,
/// the serial collector and C1 only (two shared cores), quick gossip settling, and the module opens Cassandra 2.1's
/// reflection needs on a JDK newer than it knew.
/// </summary>
internal static class CassandraJvm
{
    private static readonly string[] OpenedPackages =
    {
        "java.lang", "java.lang.ref", "java.lang.reflect", "java.util", "java.util.concurrent",
        "java.util.concurrent.atomic", "java.util.concurrent.locks", "java.io", "java.nio", "java.net", "java.math",
        "java.text", "sun.nio.ch", "jdk.internal.misc", "jdk.internal.ref", "java.nio.channels", "java.security",
        "java.time", "java.nio.charset", "java.util.regex", "java.util.zip", "java.lang.invoke", "sun.nio.cs",
        "java.net.spi", "jdk.internal.loader",
    };

    /// <summary>Every flag but the node's own paths, in the order the JVM gets them.</summary>
    public static IEnumerable<string> Options(int heapMegabytes)
    {
        yield return $"-Xms{(heapMegabytes / 2).ToString(CultureInfo.InvariantCulture)}m";
        yield return $"-Xmx{heapMegabytes.ToString(CultureInfo.InvariantCulture)}m";
        yield return "-Xss512k";
        yield return "-XX:+UseSerialGC";
        yield return "-XX:TieredStopAtLevel=1";
        yield return "-Djava.net.preferIPv4Stack=true";
        yield return "-Dcassandra.ring_delay_ms=1000";
        yield return "-Dcassandra.skip_wait_for_gossip_to_settle=0";
        foreach (var export in new[] { "java.base/jdk.internal.ref", "java.base/jdk.internal.misc", "java.base/sun.nio.ch" })
        {
            yield return "--add-exports";
            yield return $"{export}=ALL-UNNAMED";
        }

        foreach (var package in OpenedPackages)
        {
            yield return "--add-opens";
            yield return $"java.base/{package}=ALL-UNNAMED";
        }
    }
}
