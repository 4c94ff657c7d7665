using System.ComponentModel.DataAnnotations;
using MusicRecipes.Cql;

namespace MusicRecipes.Hosting;

/// <summary>
/// Settings of the Cassandra backend (section <c>Music:Cassandra</c>), used by
/// <see cref="MusicBuilderCassandraExtensions.UseCassandra(IMusicBuilder, Action{CassandraBackendOptions}?)"/> (the data store) and
/// <see cref="MusicBuilderCassandraExtensions.UseCassandraLocks"/> (the lock store); both share one CQL session.
/// </summary>
/// <example>
/// <code>
/// // appsettings.json
/// {
///   "Music": {
///     "Cassandra": {
///       "ContactPoints": [ "10.0.1.1", "10.0.1.2" ],
///       "LocalDataCenter": "dc1",
///       "Keyspace": "music",
///       "ReplicationPerDataCenter": { "dc1": 3, "dc2": 3, "dc3": 3 }
///     },
///     "ZooKeeper": { "ConnectionString": "zk1:2181,zk2:2181,zk3:2181/music" }
///   }
/// }
///
/// // Program.cs
/// builder.Services.AddMusic().UseCassandra().UseZooKeeperLocks();
/// </code>
/// </example>
public sealed class CassandraBackendOptions
{
    /// <summary>
    /// Nodes to reach the cluster first (host names or addresses); put a node of this site first. An entry may itself
    /// be a comma-separated list ("10.0.1.1,10.0.1.2"), which is handy on a command line.
    /// </summary>
    public List<string> ContactPoints { get; set; } = [];

    /// <summary>The native transport port of every node. Default 9042.</summary>
    [Range(1, 65535, ErrorMessage = "Music:Cassandra:Port must be between {1} and {2}.")]
    public int Port { get; set; } = 9042;

    /// <summary>This site's data centre: its nodes are tried first and serve eventual operations. Default: the data centre of the first contact point that answers.</summary>
    public string? LocalDataCenter { get; set; }

    /// <summary>The site name the client reports (<see cref="IMusicClient.Site"/>). Default: the local data centre.</summary>
    public string? Site { get; set; }

    /// <summary>Keyspace of the data and lock tables. Default "music".</summary>
    [Required(ErrorMessage = "Music:Cassandra:Keyspace is required.")]
    [RegularExpression("^[A-Za-z][A-Za-z0-9_]{0,47}$", ErrorMessage = "Music:Cassandra:Keyspace must be a letter followed by up to 47 letters, digits or underscores.")]
    public string Keyspace { get; set; } = "music";

    /// <summary>SimpleStrategy replication factor used when the keyspace is created and <see cref="ReplicationPerDataCenter"/> is empty. Default 3.</summary>
    [Range(1, 100, ErrorMessage = "Music:Cassandra:ReplicationFactor must be between {1} and {2}.")]
    public int ReplicationFactor { get; set; } = 3;

    /// <summary>
    /// NetworkTopologyStrategy replicas per data centre (one data centre per site), used when the keyspace is created.
    /// Critical operations use QUORUM over the total, so any two sites overlap in a replica (docs/design.md §2).
    /// </summary>
    public Dictionary<string, int> ReplicationPerDataCenter { get; set; } = [];

    /// <summary>Whether the keyspace and tables are created when missing. Default true.</summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>Consistency of eventual Get/Put. Default LOCAL_ONE (one replica of this site). Critical operations always use QUORUM.</summary>
    public CqlConsistency EventualConsistency { get; set; } = CqlConsistency.LocalOne;

    /// <summary>Serial consistency of the Cassandra lock store's lightweight transactions. Default SERIAL (never LOCAL_SERIAL across sites).</summary>
    public CqlConsistency LockSerialConsistency { get; set; } = CqlConsistency.Serial;

    /// <summary>Lease of a Cassandra lock session: a holder that stops renewing it loses its locks after this long. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "10675199.02:48:05.4775807", ErrorMessage = "Music:Cassandra:LockSessionTimeout must be at least 2 s (the session row's TTL counts whole seconds).")]
    public TimeSpan LockSessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long resolving the client may wait for the first connection to the cluster; after that it fails with a
    /// <see cref="MusicUnavailableException"/> naming the contact points. Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "10675199.02:48:05.4775807", ErrorMessage = "Music:Cassandra:ConnectTimeout must be positive.")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one request may wait for its response. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "10675199.02:48:05.4775807", ErrorMessage = "Music:Cassandra:RequestTimeout must be positive.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The highest CQL protocol version offered (4, or 3 for Cassandra 2.1; 4 negotiates down by itself). Default 4.</summary>
    [Range(3, 4, ErrorMessage = "Music:Cassandra:MaxProtocolVersion must be 3 or 4.")]
    public int MaxProtocolVersion { get; set; } = 4;

    /// <summary>User name for PasswordAuthenticator, or null.</summary>
    public string? Username { get; set; }

    /// <summary>Password for PasswordAuthenticator.</summary>
    public string? Password { get; set; }

    /// <summary>TLS to the nodes (<c>Music:Cassandra:Tls</c>: Enabled, CaCertificatePath, ClientCertificatePath, ClientCertificatePassword, HostName). Off by default.</summary>
    public BackendTlsOptions Tls { get; set; } = new();

    /// <summary>The contact points with comma-separated entries split, blanks dropped.</summary>
    internal IReadOnlyList<string> ContactPointList =>
        ContactPoints.SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
