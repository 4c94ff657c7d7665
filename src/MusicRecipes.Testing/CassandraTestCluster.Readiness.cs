using System.Globalization;
using MusicRecipes.Cql;

namespace MusicRecipes.Testing;

// When a node, and the cluster, count as up: the node serves CQL (with the superuser's login where one is
// required), every node sees every other one, and a write at ALL succeeds through each.
public sealed partial class CassandraTestCluster : IAsyncDisposable
{
    private CqlSessionOptions SingleNodeOptions(int node)
    {
        var options = new CqlSessionOptions
        {
            Port = NativePort,
            MaxProtocolVersion = 3,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromSeconds(10),
            HeartbeatInterval = TimeSpan.Zero,
        };
        options.ContactPoints.Add(AddressOf(node));
        LogInAsSuperuser(options);
        UseKitTls(options);
        return options;
    }

    /// <summary>A kit session logs in where the nodes require it (<see cref="CassandraTestClusterOptions.PasswordAuthentication"/>).</summary>
    private void LogInAsSuperuser(CqlSessionOptions options)
    {
        if (Options.PasswordAuthentication)
        {
            options.Username = CassandraTestClusterOptions.SuperuserName;
            options.Password = CassandraTestClusterOptions.SuperuserName;
        }
    }

    /// <summary>
    /// A kit session speaks TLS where the nodes do (<see cref="CassandraTestClusterOptions.Tls"/>): it trusts the test
    /// authority only and presents the kit's client certificate.
    /// </summary>
    private void UseKitTls(CqlSessionOptions options)
    {
        if (Options.Tls is { } tls)
        {
            options.Tls = tls.CreateClientOptions();
        }
    }

    /// <summary>Polls until the node accepts a CQL connection and answers a query on system.local.</summary>
    private async Task WaitForCqlAsync(int node, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var process = Node(node);
        while (true)
        {
            if (!process.IsAlive)
            {
                throw new InvalidOperationException($"Cassandra node {node} exited during start:\n{process.Tail()}");
            }

            try
            {
                await using var session = await CqlSession.ConnectAsync(SingleNodeOptions(node), timeout).ConfigureAwait(false);
                await session.ExecuteAsync(new CqlQuery("SELECT release_version FROM system.local") { Host = EndPointOf(node) }, timeout).ConfigureAwait(false);
                return;
            }
            catch (CqlTlsException e)
            {
                // The node serves TLS and refused the kit's handshake (or the other way round): waiting will not mend it.
                throw new InvalidOperationException($"Cassandra node {node} and the kit disagree on TLS: {e.Message}\n{process.Tail()}", e);
            }
            catch (CqlException)
            {
                await DelayOrTimeoutAsync(node, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Timeout($"node {node} serves CQL");
            }
        }
    }

    /// <summary>
    /// Polls until every node lists all others in system.peers and a write at consistency ALL to a keyspace
    /// replicated on every node succeeds through each node, i.e. every node sees every other one up.
    /// </summary>
    private async Task WaitUntilAllUpAsync(CancellationToken timeout, CancellationToken cancellationToken)
    {
        var options = SingleNodeOptions(1);
        options.ContactPoints.Clear();
        foreach (var contact in ContactPoints)
        {
            options.ContactPoints.Add(contact);
        }

        var schemaReady = false;
        while (true)
        {
            try
            {
                await using var session = await CqlSession.ConnectAsync(options, timeout).ConfigureAwait(false);
                if (!schemaReady)
                {
                    await session.ExecuteAsync(new CqlQuery(
                        $"CREATE KEYSPACE IF NOT EXISTS {ProbeKeyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {NodeCount.ToString(CultureInfo.InvariantCulture)}}}"), timeout).ConfigureAwait(false);
                    await session.ExecuteAsync(new CqlQuery($"CREATE TABLE IF NOT EXISTS {ProbeKeyspace}.probe (k int PRIMARY KEY)"), timeout).ConfigureAwait(false);
                    if (!await session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(10), timeout).ConfigureAwait(false))
                    {
                        throw new CqlException("Schema not yet agreed.");
                    }

                    schemaReady = true;
                }

                for (var n = 1; n <= NodeCount; n++)
                {
                    var peers = await session.ExecuteAsync(new CqlQuery("SELECT peer FROM system.peers") { Host = EndPointOf(n) }, timeout).ConfigureAwait(false);
                    if (peers.Rows.Count < NodeCount - 1)
                    {
                        throw new CqlException($"Node {n} sees {peers.Rows.Count} peers.");
                    }

                    await session.ExecuteAsync(new CqlQuery($"INSERT INTO {ProbeKeyspace}.probe (k) VALUES (?)", n)
                    {
                        Host = EndPointOf(n),
                        Consistency = CqlConsistency.All,
                    }, timeout).ConfigureAwait(false);
                }

                return;
            }
            catch (CqlException)
            {
                await DelayOrTimeoutAsync(0, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Timeout("all nodes see each other");
            }
        }
    }

    private async Task DelayOrTimeoutAsync(int node, CancellationToken timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(250, timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Timeout(node == 0 ? "all nodes see each other" : $"node {node} serves CQL");
        }
    }

    private TimeoutException Timeout(string what) =>
        new($"Timed out waiting until {what} after {Options.StartTimeout}.\n" +
            string.Join("\n", _nodes.Select(n => $"--- node {n.Node} ({(n.IsAlive ? "running" : "dead")}) ---\n{n.Tail(15)}")));
}
