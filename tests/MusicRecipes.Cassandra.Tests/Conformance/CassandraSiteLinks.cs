namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>How the sites of a <see cref="CassandraTestBackend"/> reach the shared cluster, and so which faults can reach them.</summary>
public enum CassandraSiteLinks
{
    /// <summary>Every site through the fixture's one session: no site can be cut, stalled or written partially.</summary>
    Shared,

    /// <summary>Each site's data through a coordinator of its own (<see cref="SiteCoordinators"/>); Cassandra locks still through the shared session.</summary>
    Data,

    /// <summary>Each site's data and Cassandra lock sessions through its own coordinator, so a cut or stall of the site reaches its lock sessions too.</summary>
    DataAndLocks,
}
