using MusicRecipes.Cql;

namespace MusicRecipes.Bench;

/// <summary>One site as its clients see it: the ZooKeeper servers and the Cassandra session they use.</summary>
/// <param name="Index">0-based site number.</param>
/// <param name="DataCenter">The site's Cassandra data centre (its MUSIC site name).</param>
/// <param name="ZooKeeperConnectionString">The ZooKeeper servers a client of this site connects to.</param>
/// <param name="Session">The Cassandra session of this site's clients (its coordinator is the site's own node).</param>
internal sealed record BenchSite(int Index, string DataCenter, string ZooKeeperConnectionString, CqlSession Session);
