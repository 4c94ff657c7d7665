using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra;

/// <summary>Settings of a <see cref="CassandraDataStore"/>.</summary>
/// <example>
/// <code>
/// var options = new CassandraDataStoreOptions
/// {
///     Keyspace = "music",
///     Replication = CassandraReplication.NetworkTopology(new Dictionary&lt;string, int&gt; { ["dc1"] = 3, ["dc2"] = 3 }),
/// };
/// </code>
/// </example>
public sealed class CassandraDataStoreOptions
{
    /// <summary>Keyspace of the data table ([a-zA-Z_][a-zA-Z0-9_]{0,47}). Default "music".</summary>
    public string Keyspace { get; set; } = "music";

    /// <summary>The data table. Default "music_data".</summary>
    public string Table { get; set; } = "music_data";

    /// <summary>Replication used if the keyspace does not exist yet. Default SimpleStrategy with 3 replicas.</summary>
    public CassandraReplication Replication { get; set; } = CassandraReplication.Simple(3);

    /// <summary>Whether to create the keyspace and table when missing. Default true.</summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>
    /// Consistency of eventual operations. Default LOCAL_ONE: one replica of the client's own data centre, which is
    /// what MUSIC's cheap Get/Put promise. ONE also works in a single data centre.
    /// </summary>
    public CqlConsistency EventualConsistency { get; set; } = CqlConsistency.LocalOne;

    /// <summary>The largest value accepted, in bytes. Default 1 MiB (Cassandra handles far more, but slowly).</summary>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>The site name reported by the store; default the session's local data centre.</summary>
    public string? Site { get; set; }

    /// <summary>How long to wait for schema agreement after creating tables. Default 30 s.</summary>
    public TimeSpan SchemaAgreementTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
