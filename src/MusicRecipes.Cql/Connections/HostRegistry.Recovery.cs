using System.Net;
using Microsoft.Extensions.Logging;
using MusicRecipes.Cql.Protocol;

namespace MusicRecipes.Cql.Connections;

// Recovery: a host whose connection closed is marked down and reconnected with backoff; the control connection moves
// to another host when its own fails; topology and status events from the cluster update the hosts.
internal sealed partial class HostRegistry : IAsyncDisposable
{
    private void OnConnectionClosed(CqlHost host, CqlConnection connection, Exception? reason)
    {
        if (_lifetime.IsCancellationRequested || reason is null)
        {
            return;
        }

        _logger.LogWarning("Connection to {Host} lost: {Reason}", host.EndPoint, reason.Message);
        if (host.CurrentConnection is null)
        {
            OnHostFailed(host, reason);
        }

        if (ReferenceEquals(_control, connection))
        {
            _ = Task.Run(ReplaceControlAsync);
        }
    }

    private void OnHostFailed(CqlHost host, Exception reason)
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        if (!host.IsDown)
        {
            host.MarkDown();
            _logger.LogWarning("Node {Host} marked down: {Reason}", host.EndPoint, reason.Message);
        }

        if (Interlocked.Exchange(ref host.Reconnecting, 1) == 0)
        {
            _ = Task.Run(() => ReconnectLoopAsync(host));
        }
    }

    private async Task ReconnectLoopAsync(CqlHost host)
    {
        var delay = _options.ReconnectBaseDelay;
        try
        {
            while (!_lifetime.IsCancellationRequested)
            {
                using (var wake = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token))
                {
                    host.ReconnectDelay = wake;
                    try
                    {
                        await Task.Delay(delay, wake.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!_lifetime.IsCancellationRequested)
                    {
                        // Woken early by an UP event.
                    }

                    host.ReconnectDelay = null;
                }

                try
                {
                    await host.GetOrOpen(() => OpenAsync(host)).ConfigureAwait(false);
                    host.MarkUp();
                    _logger.LogInformation("Node {Host} is up again", host.EndPoint);
                    if (_control is null || _control.IsClosed)
                    {
                        await ReplaceControlAsync().ConfigureAwait(false);
                    }

                    return;
                }
                catch (Exception e) when (e is CqlException or IOException or OperationCanceledException)
                {
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
                }
            }
        }
        finally
        {
            Volatile.Write(ref host.Reconnecting, 0);
        }
    }

    private async Task ReplaceControlAsync()
    {
        if (!await _controlLock.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            if (_control is { IsClosed: false })
            {
                return;
            }

            foreach (var host in QueryPlan().Where(h => !h.IsDown))
            {
                try
                {
                    await BecomeControlAsync(host, _lifetime.Token).ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is CqlException or IOException)
                {
                    _logger.LogDebug(e, "Node {Host} cannot be the control connection", host.EndPoint);
                }
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Session disposed.
        }
        finally
        {
            _controlLock.Release();
        }
    }

    private void OnEvent(Frame frame)
    {
        try
        {
            var reader = ResponseParser.Open(frame, out _, out _);
            var type = reader.ReadString();
            var change = reader.ReadString();
            if (type is not ("TOPOLOGY_CHANGE" or "STATUS_CHANGE"))
            {
                return;
            }

            var address = reader.ReadInet();
            var host = Find(new IPEndPoint(address.Address, _options.Port));
            _logger.LogDebug("Event {Type} {Change} {Address}", type, change, address);
            if (change is "UP" or "NEW_NODE" && host is not null)
            {
                host.ReconnectDelay?.Cancel();
            }

            if (change is "NEW_NODE" or "MOVED_NODE" || (change == "UP" && host is null))
            {
                _ = RefreshPeersQuietlyAsync();
            }
        }
        catch (CqlException e)
        {
            _logger.LogWarning(e, "Malformed event ignored");
        }
        catch (ObjectDisposedException)
        {
            // The session is being disposed.
        }
    }

    private async Task RefreshPeersQuietlyAsync()
    {
        try
        {
            await RefreshPeersAsync(_lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CqlException or IOException or OperationCanceledException)
        {
            _logger.LogDebug(e, "Peer refresh failed");
        }
    }
}
