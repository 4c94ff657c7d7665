namespace MusicRecipes.Containers.Tests.Infrastructure;

/// <summary>All tests share one set of containers (some break servers and mend them before they finish).</summary>
[CollectionDefinition(Name)]
public sealed class ContainersCollection : ICollectionFixture<ContainerServersFixture>
{
    public const string Name = "containers";
}
