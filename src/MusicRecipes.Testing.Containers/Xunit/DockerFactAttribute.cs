using global::Xunit;

namespace MusicRecipes.Testing.Containers.Xunit;

/// <summary>
/// A fact that needs Docker and the kit's images: where <see cref="DockerAvailability.SkipReason"/> gives a reason, the
/// test is reported skipped with it (xunit v2 has no skip from inside a test; a fact decides at discovery).
/// </summary>
/// <example>
/// <code>
/// [DockerFact]
/// public async Task Quorum_survives_one_node_cut_off() { … }
///
/// [DockerFact(ContainerImages.ZooKeeper)]   // needs only the ZooKeeper image
/// public async Task Leader_isolation_elects_another_leader() { … }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DockerFactAttribute : FactAttribute
{
    /// <summary>Needs both default images.</summary>
    public DockerFactAttribute()
        : this(ContainerImages.ZooKeeper, ContainerImages.Cassandra)
    {
    }

    /// <summary>Needs <paramref name="images"/>.</summary>
    public DockerFactAttribute(params string[] images)
    {
        if (DockerAvailability.SkipReason(images) is { } reason)
        {
            Skip = "Docker: " + reason;
        }
    }
}
