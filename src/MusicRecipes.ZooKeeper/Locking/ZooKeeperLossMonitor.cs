using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Loss is told first (rule 6): the session's client-side lease, renewed by every answered request; a ticket node
/// deleted by someone else; a lost session. Each signals the tickets it ends.
/// </summary>
internal sealed class ZooKeeperLossMonitor(
    ZooKeeperClient client,
    ZooKeeperOwnTickets tickets,
    string root,
    ZooKeeperLockStoreOptions options,
    LockSessionStateNotifier events,
    GuaranteedDeletes deletes,
    Func<bool> disposed)
{
    private readonly object _leaseGate = new();
    private SessionLeaseOf? _lease;

    /// <summary>True (and the ticket signalled) when the ticket's session is no longer the client's.</summary>
    public bool IsGoneLocally(LockTicket ticket)
    {
        if (ticket.LossReason is not null)
        {
            return true;
        }

        if (ticket.SessionId != ZooKeeperLockStore.FormatSessionId(client.SessionId))
        {
            ticket.SignalLost(LockLossReason.SessionExpired);
            tickets.Forget(ticket.Id);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Our ticket's node is missing and we did not remove it: a forced release if our session is alive, else an
    /// expiry. A closed session's ephemerals disappear (and watchers hear of it) just before the server refuses the
    /// session, so one round trip in the ticket's session decides: it succeeds only if the session lives.
    /// </summary>
    public async Task NoticeGoneAsync(LockTicket ticket)
    {
        if ((tickets.TryGet(ticket.Id, out var tracked) && tracked.RemovedByOwner) || tickets.WasRemovedByUs(ticket.Id))
        {
            tickets.Forget(ticket.Id);
            return;
        }

        ticket.SignalLost(await JudgeLossAsync(ticket).ConfigureAwait(false));
        tickets.Forget(ticket.Id);
    }

    public void OnDeletedByOther(TrackedTicket tracked) => _ = Task.Run(() => NoticeGoneAsync(tracked.Ticket));

    /// <summary>
    /// The lease of <paramref name="sessionId"/>, started on first use from the send time of the session's latest
    /// acknowledged request; for any other session than the client's current one, a lease that has already expired.
    /// A new session's lease is fresh: the client never adopts a session again once it expired or was abandoned (so an
    /// expired lease is never found under a new session's id), and the id and its acknowledgement time are read together.
    /// </summary>
    public SessionLease LeaseOf(long sessionId)
    {
        lock (_leaseGate)
        {
            if (_lease is { } current && current.SessionId == sessionId)
            {
                return current.Lease;
            }

            var (clientSession, acknowledged) = client.SessionAcknowledgement;
            var lease = new SessionLease(SessionLease.TermFor(client.SessionTimeout), TimeProvider.System, acknowledged);
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
    public void OnAcknowledged(long sessionId, long sentTimestamp)
    {
        if (Volatile.Read(ref _lease) is { } current && current.SessionId == sessionId)
        {
            current.Lease.Renew(sentTimestamp);
        }
    }

    public void OnConnectionStateChanged(object? sender, ZooKeeperConnectionStateChangedEventArgs e)
    {
        events.StateMayHaveChanged();
        if (e.State == ZooKeeperConnectionState.Lost)
        {
            if (Volatile.Read(ref _lease) is { } current && current.SessionId == e.SessionId)
            {
                current.Lease.Expire();
            }

            SignalSessionLost(ZooKeeperLockStore.FormatSessionId(e.SessionId));
        }
        else if (e.State is ZooKeeperConnectionState.Connected or ZooKeeperConnectionState.Reconnected && !deletes.IsEmpty)
        {
            deletes.RetryInBackground();
        }
    }

    private async Task<LockLossReason> JudgeLossAsync(LockTicket ticket)
    {
        // Cut off for longer than the session timeout means the ensemble expired the session anyway.
        var deadline = options.TimeProvider.GetTimestamp();
        var patience = client.SessionTimeout + TimeSpan.FromSeconds(1);
        while (options.TimeProvider.GetElapsedTime(deadline) < patience && !disposed())
        {
            if (ticket.SessionId != ZooKeeperLockStore.FormatSessionId(client.SessionId))
            {
                return LockLossReason.SessionExpired;
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.SyncAsync(root, timeout.Token).ConfigureAwait(false);
                return ticket.SessionId == ZooKeeperLockStore.FormatSessionId(client.SessionId) ? LockLossReason.ForciblyReleased : LockLossReason.SessionExpired;
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
    /// The lease ran out before any server said the session expired: its tickets already read as lost; fire their
    /// tokens and abandon the session, so nothing declared lost is ever resumed (rule 6 of docs/design.md).
    /// </summary>
    private void OnLeaseExpired(long sessionId)
    {
        if (disposed())
        {
            return;
        }

        SignalSessionLost(ZooKeeperLockStore.FormatSessionId(sessionId));
        client.AbandonSession(sessionId, "its client-side lease ran out before any server answered");
    }

    private void SignalSessionLost(string session)
    {
        foreach (var tracked in tickets.OfSession(session))
        {
            tracked.Ticket.SignalLost(LockLossReason.SessionExpired);
            tickets.Forget(tracked.Ticket.Id);
        }
    }

    /// <summary>A session's lease, kept as one reference so a reader never pairs one session's id with another's lease.</summary>
    private sealed record SessionLeaseOf(long SessionId, SessionLease Lease);
}
