namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>The tests that share <see cref="RealBackendServers"/>: they run one after another on one pair of servers.</summary>
[CollectionDefinition(Name)]
public sealed class RealBackendCollection : ICollectionFixture<RealBackendServers>
{
    public const string Name = "real backend";
}
