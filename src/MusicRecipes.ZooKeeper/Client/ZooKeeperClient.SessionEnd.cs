using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MusicRecipes.ZooKeeper;

// How a session ends: abandoned when its client-side lease runs out, expired by the servers, retired for good, or
// refused credentials or a refused TLS handshake that end the client.
public sealed partial class ZooKeeperClient
{
    /// <summary>
    /// Gives up session <paramref name="sessionId"/> although no server said it expired — its client-side lease ran out,
    /// so its holders were told it is lost (rule 6 of docs/design.md) — and opens a new one. The session is retired:
    /// no later request is sent in it, its current connection (if any) is taken out of use at once, sends closeSession
    /// so the servers delete its ephemeral nodes now rather than a session timeout later, and is dropped; the next
    /// connection is made without the old session's id. A connect attempt already presenting the old id may still get
    /// it back from a server that never expired it: <see cref="AdoptAsync"/> refuses that answer and closes the session.
    /// </summary>
    internal void AbandonSession(long sessionId, string why)
    {
        ZooKeeperConnection? connection;
        lock (_gate)
        {
            if (_sessionId != sessionId || sessionId == 0)
            {
                return;
            }

            // Detached before the session is given up, so no request of a later session can be sent on it.
            connection = _connection;
            if (connection is not null)
            {
                _connection = null;
                if (_connected.Task.IsCompleted)
                {
                    _connected = NewSignal();
                }
            }
        }

        OnSessionExpired(sessionId, why);
        if (connection is not null)
        {
            _ = CloseRetiredAsync(connection, $"Session 0x{sessionId:x} abandoned: {why}.");
        }
    }

    void IConnectionOwner.OnNotification(WatchEventType type, string serverPath)
    {
        var path = _chroot.ToClient(serverPath);
        var fired = Watches.Trigger(type, path);
        if (fired.Count == 0)
        {
            return;
        }

        var watchedEvent = new WatchedEvent(type, path);
        foreach (var watcher in fired)
        {
            _events.Post(() => watcher(watchedEvent));
        }
    }

    /// <summary>
    /// After a whole session timeout without a server, the ensemble has expired the session (or will before we can
    /// reach it): report it lost now rather than let holders believe in locks nobody honours (rule 6 of docs/design.md).
    /// </summary>
    private void ExpireIfCutOffTooLong()
    {
        long session;
        lock (_gate)
        {
            session = _sessionId;
            if (session == 0 || _disconnectedSince == 0
                || Stopwatch.GetElapsedTime(_disconnectedSince) < TimeSpan.FromMilliseconds(_negotiatedTimeoutMs))
            {
                return;
            }
        }

        OnSessionExpired(session, "no server was reachable for a whole session timeout");
    }

    private void OnSessionExpired(long session, string why)
    {
        lock (_gate)
        {
            if (_sessionId != session || session == 0)
            {
                return;
            }

            Retire(session);
            _sessionId = 0;
            _password = new byte[16];
            _disconnectedSince = 0;
            _sessionLost.TrySetResult();
            _sessionLost = NewSignal();
        }

        _logger.LogWarning("ZooKeeper session 0x{Session:x} lost: {Why}.", session, why);
        SetState(ZooKeeperConnectionState.Lost, session);
        foreach (var (path, watcher) in Watches.DrainAll())
        {
            _events.Post(() => watcher(new WatchedEvent(WatchEventType.SessionExpired, path)));
        }
    }

    /// <summary>Remembers a session that expired or was given up, so no server's answer can bring it back. Under _gate.</summary>
    private void Retire(long session)
    {
        if (!_retired.Add(session))
        {
            return;
        }

        _retiredOrder.Enqueue(session);
        while (_retiredOrder.Count > RetiredMemory)
        {
            _retired.Remove(_retiredOrder.Dequeue());
        }
    }

    /// <summary>
    /// The servers refused our credentials: nothing this client does can succeed, and reconnecting would only be refused
    /// again (a retry storm against the ensemble). The client stops connecting and every call fails with the reason.
    /// </summary>
    void IConnectionOwner.OnAuthFailed(KeeperErrorCode error)
    {
        var schemes = string.Join(", ", _options.AuthInfo.Select(a => a.Scheme));
        StopForGood(new AuthFailedException(null, $"The ZooKeeper servers refused this client's credentials (scheme {schemes}: {error}); the client stopped connecting."));
    }

    /// <summary>
    /// Ends the client for a refusal no reconnect can cure — credentials, or a TLS handshake (the servers share the
    /// ensemble's TLS setup): the client stops connecting, and every waiting and later call fails with the reason.
    /// </summary>
    private void StopForGood(KeeperException failure)
    {
        if (Interlocked.CompareExchange(ref _finalFailure, failure, null) is not null)
        {
            return;
        }

        _logger.LogError("{Reason}", failure.Message);
        _closing.Cancel();
        lock (_gate)
        {
            _connected.TrySetException(failure);
            _connection?.Abort(failure);
        }

        SetState(ZooKeeperConnectionState.Lost, SessionId);
    }
}
