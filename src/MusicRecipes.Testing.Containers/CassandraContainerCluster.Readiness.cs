using MusicRecipes.Cql;

namespace MusicRecipes.Testing.Containers;

// When a node, and the cluster, count as up: the process kit's definition (CassandraReadinessProbe); only the retry
// loops and the logs shown on a timeout are the container kit's own.
public sealed partial class CassandraContainerCluster
{
    private CqlSessionOptions SingleNodeOptions(int node)
    {
        var options = CassandraReadinessProbe.SingleNodeOptions(AddressOf(node), NativePort);
        options.DiscoverPeers = false;
        return options;
    }

    /// <summary>Polls until the node accepts a CQL connection and answers a query on system.local.</summary>
    private async Task WaitForCqlAsync(int node, CancellationToken timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await CassandraReadinessProbe.CheckServesCqlAsync(SingleNodeOptions(node), EndPointOf(node), timeout).ConfigureAwait(false);
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
        var probe = new CassandraReadinessProbe(ProbeKeyspace, NodeCount, EndPointOf);
        while (true)
        {
            try
            {
                await probe.CheckAllUpAsync(options, timeout).ConfigureAwait(false);
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
