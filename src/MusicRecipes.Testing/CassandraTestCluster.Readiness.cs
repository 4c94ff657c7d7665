using MusicRecipes.Cql;

namespace MusicRecipes.Testing;

// When a node, and the cluster, count as up: the node serves CQL (with the superuser's login where one is
// required), every node sees every other one, and a write at ALL succeeds through each.
public sealed partial class CassandraTestCluster : IAsyncDisposable
{
    private CqlSessionOptions SingleNodeOptions(int node)
    {
        var options = CassandraReadinessProbe.SingleNodeOptions(AddressOf(node), NativePort);
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
                await CassandraReadinessProbe.CheckServesCqlAsync(SingleNodeOptions(node), EndPointOf(node), timeout).ConfigureAwait(false);
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

        var probe = new CassandraReadinessProbe(ProbeKeyspace, NodeCount, EndPointOf);
        while (true)
        {
            try
            {
                await probe.CheckAllUpAsync(options, timeout).ConfigureAwait(false);
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
