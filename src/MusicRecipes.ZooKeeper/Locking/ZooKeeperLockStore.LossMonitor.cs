using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

// Loss is told first (rule 6): the session's client-side lease, renewed by every answered request; a ticket node
// deleted by someone else; a lost session. Each signals the tickets it ends.
public sealed partial class ZooKeeperLockStore
{
    /// <summary>True (and the ticket signalled) when the ticket's session is no longer the client's.</summary>
    private bool IsGoneLocally(LockTicket ticket)
    {
        if (ticket.LossReason is not null)
        {
            return true;
        }

        if (ticket.SessionId != FormatSessionId(_client.SessionId))
        {
            ticket.SignalLost(LockLossReason.SessionExpired);
            _tickets.TryRemove(ticket.Id, out _);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Our ticket's node is missing and we did not remove it: a forced release if our session is alive, else an
    /// expiry. A closed session's ephemerals disappear (and watchers hear of it) just before the server refuses the
    /// session, so one round trip in the ticket's session decides: it succeeds only if the session lives.
    /// </summary>
    private async Task NoticeGoneAsync(LockTicket ticket)
    {
        if ((_tickets.TryGetValue(ticket.Id, out var tracked) && tracked.RemovedByOwner) || _removedByUs.Contains(ticket.Id))
        {
            _tickets.TryRemove(ticket.Id, out _);
            return;
        }

        ticket.SignalLost(await JudgeLossAsync(ticket).ConfigureAwait(false));
        _tickets.TryRemove(ticket.Id, out _);
    }

    private void OnDeletedByOther(TrackedTicket tracked) => _ = Task.Run(() => NoticeGoneAsync(tracked.Ticket));

    private async Task<LockLossReason> JudgeLossAsync(LockTicket ticket)
    {
        // Cut off for longer than the session timeout means the ensemble expired the session anyway.
        var deadline = _options.TimeProvider.GetTimestamp();
        var patience = _client.SessionTimeout + TimeSpan.FromSeconds(1);
        while (_options.TimeProvider.GetElapsedTime(deadline) < patience && Volatile.Read(ref _disposed) == 0)
        {
            if (ticket.SessionId != FormatSessionId(_client.SessionId))
            {
                return LockLossReason.SessionExpired;
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.SyncAsync(_root, timeout.Token).ConfigureAwait(false);
                return ticket.SessionId == FormatSessionId(_client.SessionId) ? LockLossReason.ForciblyReleased : LockLossReason.SessionExpired;
            }
            catch (Exception e) when (e is KeeperException or OperationCanceledException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return LockLossReason.ClientClosed;
            }
        }

        return LockLossReason.SessionExpired;
    }

    /// <summary>
    /// The lease of <paramref name="sessionId"/>, started on first use from the send time of the session's latest
    /// acknowledged request; for any other session than the client's current one, a lease that has already expired.
    /// A new session's lease is fresh: the client never adopts a session again once it expired or was abandoned (so an
    /// expired lease is never found under a new session's id), and the id and its acknowledgement time are read together.
    /// </summary>
    private SessionLease LeaseOf(long sessionId)
    {
        lock (_leaseGate)
        {
            if (_lease is { } current && current.SessionId == sessionId)
            {
                return current.Lease;
            }

            var (clientSession, acknowledged) = _client.SessionAcknowledgement;
            var lease = new SessionLease(SessionLease.TermFor(_client.SessionTimeout), TimeProvider.System, acknowledged);
            if (sessionId == 0 || sessionId != clientSession)
            {
                lease.Expire();
                return lease;
            }

            _lease?.Lease.Expire();
            _lease = new SessionLeaseOf(sessionId, lease);
            lease.ExpiredToken.Register(() => OnLeaseExpired(sessionId));
            return lease;
        }
    }

    /// <summary>On the reader loop: renew the current session's lease by the send time of a request the server answered.</summary>
    private void OnAcknowledged(long sessionId, long sentTimestamp)
    {
        if (Volatile.Read(ref _lease) is { } current && current.SessionId == sessionId)
        {
            current.Lease.Renew(sentTimestamp);
        }
    }

    /// <summary>
    /// The lease ran out before any server said the session expired: its tickets already read as lost; fire their
    /// tokens and abandon the session, so nothing declared lost is ever resumed (rule 6 of docs/design.md).
    /// </summary>
    private void OnLeaseExpired(long sessionId)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        SignalSessionLost(FormatSessionId(sessionId));
        _client.AbandonSession(sessionId, "its client-side lease ran out before any server answered");
    }

    private void SignalSessionLost(string session)
    {
        foreach (var tracked in _tickets.Values.Where(t => t.Ticket.SessionId == session).ToArray())
        {
            tracked.Ticket.SignalLost(LockLossReason.SessionExpired);
            _tickets.TryRemove(tracked.Ticket.Id, out _);
        }
    }

    private void OnConnectionStateChanged(object? sender, ZooKeeperConnectionStateChangedEventArgs e)
    {
        _events.StateMayHaveChanged();
        if (e.State == ZooKeeperConnectionState.Lost)
        {
            if (Volatile.Read(ref _lease) is { } current && current.SessionId == e.SessionId)
            {
                current.Lease.Expire();
            }

            SignalSessionLost(FormatSessionId(e.SessionId));
        }
        else if (e.State is ZooKeeperConnectionState.Connected or ZooKeeperConnectionState.Reconnected && !_orphans.IsEmpty)
        {
            _ = Task.Run(() => CleanOrphansAsync(CancellationToken.None));
        }
    }

    /// <summary>A session's lease, kept as one reference so a reader never pairs one session's id with another's lease.</summary>
    private sealed record SessionLeaseOf(long SessionId, SessionLease Lease);
}
