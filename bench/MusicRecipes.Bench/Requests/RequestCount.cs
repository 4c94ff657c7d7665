namespace MusicRecipes.Bench;

/// <summary>What one uncontended section of k read-modify-writes costs, counted on the servers, and how long it took.</summary>
/// <param name="Variant">The variant's name.</param>
/// <param name="K">Read-modify-writes in the section.</param>
/// <param name="ZooKeeperPerSection">Requests the ZooKeeper servers received (srvr "Received").</param>
/// <param name="ZooKeeperWritesPerSection">Writes the ZooKeeper ensemble applied (srvr "Zxid" moved by).</param>
/// <param name="CqlPerSection">Statements the client's Cassandra coordinator received (QUERY, EXECUTE, BATCH frames).</param>
/// <param name="P50Ms">Median time of one such section, run alone.</param>
internal sealed record RequestCount(string Variant, int K, double ZooKeeperPerSection, double ZooKeeperWritesPerSection, double CqlPerSection, double P50Ms);
