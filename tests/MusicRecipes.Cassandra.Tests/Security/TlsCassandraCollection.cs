namespace MusicRecipes.Cassandra.Tests.Security;

/// <summary>The classes that share the one TLS node (<see cref="TlsCassandra"/>, fixed ports): one start, one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class TlsCassandraCollection : ICollectionFixture<TlsCassandra>
{
    public const string Name = "tls-cassandra";
}
