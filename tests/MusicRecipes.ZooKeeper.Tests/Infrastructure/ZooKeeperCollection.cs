namespace MusicRecipes.ZooKeeper.Tests.Infrastructure;

/// <summary>All tests share one ensemble and run one after another (some kill servers).</summary>
[CollectionDefinition(Name)]
public sealed class ZooKeeperCollection : ICollectionFixture<ZooKeeperEnsembleFixture>
{
    public const string Name = "ZooKeeper ensemble";
}
