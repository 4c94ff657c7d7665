namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>Which kit runs the servers of a reliability run.</summary>
internal enum ReliabilityBackend
{
    /// <summary>Child processes of the test host (the process kit): no partitions between servers.</summary>
    Processes,

    /// <summary>Docker containers (the containers kit): servers can also be partitioned from each other.</summary>
    Containers,
}
