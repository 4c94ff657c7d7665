using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using MusicRecipes.ZooKeeper.Protocol;

namespace MusicRecipes.ZooKeeper;

// Getting a connection: requests wait for one (bounded by the connection timeout, and failed at once when their
// session is lost); the connect loop tries the servers in random order and hands each handshake to adoption.
public sealed partial class ZooKeeperClient
{
    /// <summary>
    /// The live connection, waiting for one up to the connection timeout. A request that started waiting in a
    /// session fails with <see cref="SessionExpiredException"/> as soon as that session is lost
    /// (<paramref name="failOnSessionLoss"/>), as ZooKeeper's own clients do: it is not sent in the next session, and
    /// its caller learns at once, not after the whole connection timeout, that whatever it held is gone.
    /// </summary>
    private async ValueTask<ZooKeeperConnection> ConnectionAsync(string? path, bool failOnSessionLoss, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _finalFailure) is { } refused)
        {
            throw refused is ZooKeeperTlsException tls ? tls.ForCall(path) : new AuthFailedException(path, refused.Message, refused);
        }

        while (true)
        {
            Task signal;
            Task? lost;
            lock (_gate)
            {
                if (_connection is { IsAborted: false } live)
                {
                    return live;
                }

                signal = _connected.Task;
                lost = failOnSessionLoss && _sessionId != 0 ? _sessionLost.Task : null;
            }

            try
            {
                var woken = lost is null ? signal : await Task.WhenAny(signal, lost).WaitAsync(_options.ConnectionTimeout, cancellationToken).ConfigureAwait(false);
                await woken.WaitAsync(_options.ConnectionTimeout, cancellationToken).ConfigureAwait(false);
                if (woken == lost)
                {
                    throw new SessionExpiredException(path, "The session expired while the request waited for a connection; the request was not sent.");
                }
            }
            catch (TimeoutException)
            {
                var last = Volatile.Read(ref _lastConnectError) is { } error ? $" (last attempt: {error})" : string.Empty;
                throw new ConnectionLossException(path, $"No ZooKeeper server of {_connectionString} was reachable within {_options.ConnectionTimeout.TotalSeconds:F1} s{last}.");
            }
        }
    }

    private async Task ConnectLoopAsync()
    {
        var servers = _connectionString.Servers.OrderBy(_ => Random.Shared.Next()).ToArray();
        var next = 0;
        while (!_closing.IsCancellationRequested)
        {
            ExpireIfCutOffTooLong();
            var server = servers[next++ % servers.Length];
            ZooKeeperConnection connection;
            long presented;
            try
            {
                (connection, presented) = await OpenAsync(server).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                return;
            }
            catch (ZooKeeperTlsException e)
            {
                StopForGood(e);
                return;
            }
            catch (Exception e)
            {
                _logger.LogDebug("ZooKeeper server {Host}:{Port} unreachable: {Reason}", server.Host, server.Port, e.Message);
                Volatile.Write(ref _lastConnectError, $"{server.Host}:{server.Port}: {e.Message}");
                if (next % servers.Length == 0)
                {
                    await PauseAsync().ConfigureAwait(false);
                }

                continue;
            }

            if (!await AdoptAsync(connection, presented).ConfigureAwait(false))
            {
                continue;
            }

            await connection.Closed.ConfigureAwait(false);
            lock (_gate)
            {
                // AbandonSession may have detached it already (and renewed the signal that waiters now wait on).
                if (ReferenceEquals(_connection, connection))
                {
                    _connection = null;
                }

                if (_connected.Task.IsCompleted)
                {
                    _connected = NewSignal();
                }

                _disconnectedSince = Stopwatch.GetTimestamp();
            }

            if (_closing.IsCancellationRequested)
            {
                return;
            }

            if (SessionId != 0)
            {
                SetState(ZooKeeperConnectionState.Suspended, SessionId); // an abandoned session has nothing to suspend
            }
        }
    }

    /// <summary>Connects and handshakes, presenting the current session's id and password; returns the id presented.</summary>
    private async Task<(ZooKeeperConnection Connection, long Presented)> OpenAsync(DnsEndPoint server)
    {
        long sessionId;
        byte[] password;
        lock (_gate)
        {
            sessionId = _sessionId;
            password = _password;
        }

        var request = ConnectHandshake.EncodeRequest(LastZxid, (int)_options.SessionTimeout.TotalMilliseconds, sessionId, password);
        var perServer = TimeSpan.FromMilliseconds(Math.Max(1000, _options.SessionTimeout.TotalMilliseconds / _connectionString.Servers.Count));
        var connection = await ZooKeeperConnection.OpenAsync(server, request, perServer, _options.Tls, this, _options.MaxPacketSize + 65536, _logger, _closing.Token)
            .ConfigureAwait(false);
        return (connection, sessionId);
    }
}
