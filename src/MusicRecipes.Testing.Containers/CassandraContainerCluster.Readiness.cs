using System.Globalization;
using MusicRecipes.Cql;

namespace MusicRecipes.Testing.Containers;

// When a node, and the cluster, count as up — as in the process kit: the node serves CQL, every node sees every other
// one, and a write at ALL succeeds through each.
public sealed partial class CassandraContainerCluster
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
            DiscoverPeers = false,
        };
        options.ContactPoints.Add(AddressOf(node));
        return options;
    }

    /// <summary>Polls until the node accepts a CQL connection and answers a query on system.local.</summary>
    private async Task WaitForCqlAsync(int node, CancellationToken timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await using var session = await CqlSession.ConnectAsync(SingleNodeOptions(node), timeout).ConfigureAwait(false);
                await session.ExecuteAsync(new CqlQuery("SELECT release_version FROM system.local") { Host = EndPointOf(node) }, timeout).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is CqlException or IOException or System.Net.Sockets.SocketException)
            {
                await DelayOrTimeoutAsync($"node {node} serves CQL", timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw await TimeoutAsync($"node {node} serves CQL").ConfigureAwait(false);
            }
        }
    }

    /// <summary>Polls until every node lists all others in system.peers and a write at ALL succeeds through each node.</summary>
    private async Task WaitUntilAllUpAsync(CancellationToken timeout, CancellationToken cancellationToken)
    {
        var options = CreateSessionOptions();
        options.MaxProtocolVersion = 3;
        options.RequestTimeout = TimeSpan.FromSeconds(10);
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
            catch (Exception e) when (e is CqlException or IOException or System.Net.Sockets.SocketException)
            {
                await DelayOrTimeoutAsync("all nodes see each other", timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw await TimeoutAsync("all nodes see each other").ConfigureAwait(false);
            }
        }
    }

    private async Task DelayOrTimeoutAsync(string what, CancellationToken timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(500, timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw await TimeoutAsync(what).ConfigureAwait(false);
        }
    }

    private async Task<TimeoutException> TimeoutAsync(string what)
    {
        var logs = await Task.WhenAll(_nodes.Select(async n => $"--- {n.Name} ({(n.IsRunning ? "running" : "killed")}) ---\n{await n.LogTailAsync(15).ConfigureAwait(false)}")).ConfigureAwait(false);
        return new TimeoutException($"Timed out waiting until {what} after {Options.StartTimeout}.\n{string.Join('\n', logs)}");
    }
}
