using System.Globalization;

namespace MusicRecipes.Cassandra;

/// <summary>How the keyspace is replicated, used when MusicRecipes creates it.</summary>
/// <example>
/// <code>
/// var single = CassandraReplication.Simple(3);
/// var sites = CassandraReplication.NetworkTopology(new Dictionary&lt;string, int&gt; { ["dc1"] = 3, ["dc2"] = 3, ["dc3"] = 3 });
/// </code>
/// </example>
public sealed class CassandraReplication
{
    private readonly string _cql;

    private CassandraReplication(string cql, int totalReplicas)
    {
        _cql = cql;
        TotalReplicas = totalReplicas;
    }

    /// <summary>Replicas across all data centres; QUORUM is a majority of this number.</summary>
    public int TotalReplicas { get; }

    /// <summary>SimpleStrategy with <paramref name="replicationFactor"/> replicas (one data centre).</summary>
    public static CassandraReplication Simple(int replicationFactor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        return new($"{{'class': 'SimpleStrategy', 'replication_factor': {replicationFactor.ToString(CultureInfo.InvariantCulture)}}}", replicationFactor);
    }

    /// <summary>NetworkTopologyStrategy with a replication factor per data centre (one data centre per MUSIC site).</summary>
    public static CassandraReplication NetworkTopology(IReadOnlyDictionary<string, int> replicasPerDataCenter)
    {
        ArgumentNullException.ThrowIfNull(replicasPerDataCenter);
        if (replicasPerDataCenter.Count == 0)
        {
            throw new ArgumentException("At least one data centre is required.", nameof(replicasPerDataCenter));
        }

        var parts = new List<string> { "'class': 'NetworkTopologyStrategy'" };
        foreach (var (dataCenter, replicas) in replicasPerDataCenter.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // Data-centre names are string literals in the map; refuse quotes rather than escape them.
            if (string.IsNullOrEmpty(dataCenter) || dataCenter.Contains('\'', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Invalid data centre name '{dataCenter}'.", nameof(replicasPerDataCenter));
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1, nameof(replicasPerDataCenter));
            parts.Add($"'{dataCenter}': {replicas.ToString(CultureInfo.InvariantCulture)}");
        }

        return new("{" + string.Join(", ", parts) + "}", replicasPerDataCenter.Values.Sum());
    }

    /// <summary>The replication map as CQL.</summary>
    public override string ToString() => _cql;
}
