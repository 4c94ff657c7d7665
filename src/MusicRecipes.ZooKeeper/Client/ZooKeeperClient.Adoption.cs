using Microsoft.Extensions.Logging;
using MusicRecipes.ZooKeeper.Protocol;

namespace MusicRecipes.ZooKeeper;

// Adopting a handshaken connection: a new or resumed session, watches and credentials presented again, and a
// session given up (expired or abandoned) never taken back (rule 6).
public sealed partial class ZooKeeperClient
{
    /// <summary>
    /// Takes a handshaken connection into use, or handles the expiry it reported. Returns false if it was not adopted.
    /// <paramref name="presented"/> is the session id the attempt presented (0: it asked for a new session).
    /// </summary>
    /// <remarks>
    /// A session that expired or was abandoned is never adopted again (rule 6 of docs/design.md: an expired lease never
    /// comes back). A connect attempt may have started with a session's credentials before the session was abandoned
    /// (its client-side lease ran out while the client was between connections); the servers, which never expired it,
    /// then hand it back. Adopting it as if it were new would tie every later ticket to a lease that has expired for
    /// good — each lost at once — while the servers keep the session's nodes alive. Such an answer is refused: the
    /// session is closed on the servers through this very connection, and the next attempt asks for a new session.
    /// </remarks>
    private async Task<bool> AdoptAsync(ZooKeeperConnection connection, long presented)
    {
        var handshake = connection.Handshake;
        if (handshake.TimeoutMs <= 0)
        {
            connection.Abort(null);
            OnSessionExpired(presented, "the server reported the session expired"); // no-op if it was given up meanwhile
            return false;
        }

        if (presented != 0 && handshake.SessionId != presented)
        {
            OnSessionExpired(presented, "the server gave a different session");
        }

        var resumed = false;
        var refused = false;
        lock (_gate)
        {
            // Checked with the assignment, so a retirement racing with this adoption cannot be undone by it.
            if (_retired.Contains(handshake.SessionId))
            {
                refused = true;
            }
            else
            {
                resumed = _sessionId != 0 && handshake.SessionId == _sessionId;
                _sessionId = handshake.SessionId;
                _password = handshake.Password;
                _negotiatedTimeoutMs = handshake.TimeoutMs;
                if (!resumed)
                {
                    // The server took the new session no earlier than the ConnectRequest was sent; set together with
                    // the id, so a lease started for the new session never starts from the previous one's replies.
                    Interlocked.Exchange(ref _lastAcknowledgedSend, connection.ConnectSentTimestamp);
                }
            }
        }

        if (refused)
        {
            await RefuseRetiredAsync(connection).ConfigureAwait(false);
            return false;
        }

        // The server took the session (back) no earlier than the ConnectRequest was sent.
        ((IConnectionOwner)this).OnAcknowledged(handshake.SessionId, connection.ConnectSentTimestamp);

        if (resumed)
        {
            // Queued before the loops start, so SetWatches is the first request the server sees from us.
            SetWatchesRequest.Send(connection, Watches, _chroot, LastZxid, _options.MaxPacketSize);
        }

        // Authentication belongs to the connection, not the session: every connection presents the credentials again,
        // queued (as ZooKeeper's own client does, after SetWatches) before any request the loops will send.
        foreach (var auth in _options.AuthInfo)
        {
            connection.SendSpecial(SpecialXid.Auth, OpCode.Auth, Requests.Auth(auth));
        }

        connection.Start(TimeSpan.FromMilliseconds(handshake.TimeoutMs));
        var retiredMeanwhile = false;
        lock (_gate)
        {
            if (_closing.IsCancellationRequested)
            {
                connection.Abort(null);
                return false;
            }

            if (_sessionId != handshake.SessionId)
            {
                // Abandoned since the assignment above (its lease ran out): it must not get a connection again.
                retiredMeanwhile = true;
            }
            else
            {
                _connection = connection;
                SetState(resumed ? ZooKeeperConnectionState.Reconnected : ZooKeeperConnectionState.Connected, handshake.SessionId);
                _connected.TrySetResult();
            }
        }

        if (retiredMeanwhile)
        {
            await CloseRetiredAsync(connection, $"Session 0x{handshake.SessionId:x} was given up while it was being adopted.").ConfigureAwait(false);
            return false;
        }

        _logger.LogInformation(
            "ZooKeeper {How} session 0x{Session:x} on {Host}:{Port} (timeout {Timeout} ms).",
            resumed ? "resumed" : "opened",
            handshake.SessionId,
            connection.Server.Host,
            connection.Server.Port,
            handshake.TimeoutMs);
        return true;
    }

    /// <summary>A server handed back a session we gave up: close it there (its nodes go at once) instead of adopting it.</summary>
    private async Task RefuseRetiredAsync(ZooKeeperConnection connection)
    {
        var handshake = connection.Handshake;
        _logger.LogWarning(
            "ZooKeeper server {Host}:{Port} resumed session 0x{Session:x}, which was given up; closing it and opening a new session.",
            connection.Server.Host,
            connection.Server.Port,
            handshake.SessionId);
        connection.Start(TimeSpan.FromMilliseconds(handshake.TimeoutMs));
        await CloseRetiredAsync(connection, $"Session 0x{handshake.SessionId:x} was given up; not resumed.").ConfigureAwait(false);
    }

    /// <summary>
    /// Sends closeSession on a started connection of a retired session, so the servers delete the session's ephemeral
    /// nodes (its tickets) now rather than a session timeout later, then drops the connection. Never throws.
    /// </summary>
    private async Task CloseRetiredAsync(ZooKeeperConnection connection, string why)
    {
        try
        {
            using var timeout = new CancellationTokenSource(RetiredCloseTimeout);
            await connection.SendAsync(OpCode.CloseSession, [], null, null, timeout.Token).ConfigureAwait(false);
            _logger.LogInformation("ZooKeeper closed session 0x{Session:x} on {Host}:{Port}.", connection.Handshake.SessionId, connection.Server.Host, connection.Server.Port);
        }
        catch (Exception e) when (e is KeeperException or OperationCanceledException)
        {
            // The servers expire it for want of pings instead.
            _logger.LogDebug("closeSession of retired session 0x{Session:x} not acknowledged: {Reason}", connection.Handshake.SessionId, e.Message);
        }
        finally
        {
            connection.Abort(new TimeoutException(why));
        }
    }
}
