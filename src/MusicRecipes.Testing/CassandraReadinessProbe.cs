using System.Globalization;
using System.Net;
using MusicRecipes.Cql;

namespace MusicRecipes.Testing;

/// <summary>
/// When a Cassandra node, and a cluster, count as up — one definition for the process kit and the container kit: the
/// node serves CQL, every node sees every other one, and a write at ALL succeeds through each. Each check throws a
/// <see cref="CqlException"/> (or a connection error) while the answer is "not yet"; the caller's loop retries.
/// </summary>
internal sealed class CassandraReadinessProbe(string keyspace, int nodeCount, Func<int, IPEndPoint> endPointOf)
{
    private bool _schemaReady;

    /// <summary>Options for one node alone, protocol 3, short timeouts, no heartbeats: what a readiness check needs.</summary>
    public static CqlSessionOptions SingleNodeOptions(string address, int port)
    {
        var options = new CqlSessionOptions
        {
            Port = port,
            MaxProtocolVersion = 3,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromSeconds(10),
            HeartbeatInterval = TimeSpan.Zero,
        };
        options.ContactPoints.Add(address);
        return options;
    }

    /// <summary>The node accepts a CQL connection and answers a query on system.local.</summary>
    public static async Task CheckServesCqlAsync(CqlSessionOptions options, IPEndPoint node, CancellationToken timeout)
    {
        await using var session = await CqlSession.ConnectAsync(options, timeout).ConfigureAwait(false);
        await session.ExecuteAsync(new CqlQuery("SELECT release_version FROM system.local") { Host = node }, timeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Every node lists all others in system.peers and a write at ALL to a keyspace replicated on every node succeeds
    /// through each node, i.e. every node sees every other one up. The probe keyspace is created once.
    /// </summary>
    public async Task CheckAllUpAsync(CqlSessionOptions options, CancellationToken timeout)
    {
        await using var session = await CqlSession.ConnectAsync(options, timeout).ConfigureAwait(false);
        if (!_schemaReady)
        {
            await session.ExecuteAsync(new CqlQuery(
                $"CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {nodeCount.ToString(CultureInfo.InvariantCulture)}}}"), timeout).ConfigureAwait(false);
            await session.ExecuteAsync(new CqlQuery($"CREATE TABLE IF NOT EXISTS {keyspace}.probe (k int PRIMARY KEY)"), timeout).ConfigureAwait(false);
            if (!await session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(10), timeout).ConfigureAwait(false))
            {
                throw new CqlException("Schema not yet agreed.");
            }

            _schemaReady = true;
        }

        for (var n = 1; n <= nodeCount; n++)
        {
            var peers = await session.ExecuteAsync(new CqlQuery("SELECT peer FROM system.peers") { Host = endPointOf(n) }, timeout).ConfigureAwait(false);
            if (peers.Rows.Count < nodeCount - 1)
            {
                throw new CqlException($"Node {n} sees {peers.Rows.Count} peers.");
            }

            await session.ExecuteAsync(new CqlQuery($"INSERT INTO {keyspace}.probe (k) VALUES (?)", n)
            {
                Host = endPointOf(n),
                Consistency = CqlConsistency.All,
            }, timeout).ConfigureAwait(false);
        }
    }
}
