namespace MusicRecipes.ZooKeeper.Tests.Infrastructure;

/// <summary>The classes that share the one TLS server (<see cref="TlsZooKeeper"/>, fixed ports): one start, one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class TlsZooKeeperCollection : ICollectionFixture<TlsZooKeeper>
{
    public const string Name = "tls-zookeeper";
}
