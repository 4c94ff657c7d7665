using MusicRecipes.Locking;

namespace MusicRecipes.InMemory;

// The store's session: a heartbeat a sixth of the timeout apart, Suspended before Lost as a ZooKeeper client reports
// it, the client-side lease that tells holders first (rule 6), and losses delivered by the service.
internal sealed partial class InMemoryLockStore : ILockStore, ILockSessionEvents
{
    /// <summary>The service dropped a ticket of ours: the news reaches us a one-way trip later, or after the heal.</summary>
    private void OnDroppedByService(LockTicket ticket, LockLossReason reason)
    {
        _undelivered.Enqueue((ticket, reason));
        _ = Task.Run(DeliverAsync);
    }

    private async Task DeliverAsync()
    {
        if (_liveness.IsCrashed || !_network.CanReachLockService(_site))
        {
            return; // held until a heartbeat gets through again
        }

        var oneWay = _network.Latency / 2;
        if (oneWay > TimeSpan.Zero)
        {
            await Task.Delay(oneWay, _options.TimeProvider).ConfigureAwait(false);
        }

        while (_undelivered.TryDequeue(out var dropped))
        {
            dropped.Ticket.SignalLost(dropped.Reason);
        }
    }

    private void OnLeaseExpired(LockSession session)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(session, _session) || _state == LockSessionState.Closed)
            {
                return;
            }

            // Suspended before Lost, as a ZooKeeper client reports it, even when a starved heartbeat never noticed
            // the lost connection: holders and health checks get their warning. The next beat makes it Lost.
            _state = _state is LockSessionState.Connected or LockSessionState.Reconnected ? LockSessionState.Suspended : LockSessionState.Lost;
        }

        _events.StateMayHaveChanged();

        // Every ticket of the session reads as lost already (it checks the lease); this fires their tokens now.
        foreach (var ticket in _service.TicketsOf(session))
        {
            ticket.SignalLost(LockLossReason.SessionExpired);
        }
    }

    private void Beat()
    {
        if (_liveness.IsCrashed)
        {
            return; // a crashed process sends nothing: its session will expire on the service
        }

        lock (_gate)
        {
            if (_state == LockSessionState.Closed)
            {
                return;
            }

            if (_network.CanReachLockService(_site))
            {
                var sentAt = _options.TimeProvider.GetTimestamp();
                if (_state == LockSessionState.Lost || _lease.IsExpired)
                {
                    // We told our holders the session was lost; make it so before anyone relies on it again.
                    RenewSessionLocked();
                }
                else if (_service.Heartbeat(_session))
                {
                    _lease.Renew(sentAt);
                    _state = _state == LockSessionState.Suspended ? LockSessionState.Reconnected : LockSessionState.Connected;
                }
                else
                {
                    _lease.Expire(); // the service says the session is gone
                    _state = LockSessionState.Lost;
                }
            }
            else if (_state is LockSessionState.Connected or LockSessionState.Reconnected)
            {
                // A lost connection is reported as Suspended before Lost, as a ZooKeeper client does.
                _state = LockSessionState.Suspended;
            }
            else if (_state == LockSessionState.Suspended && _lease.IsExpired)
            {
                _state = LockSessionState.Lost;
            }
        }

        _events.StateMayHaveChanged();
        if (!_undelivered.IsEmpty)
        {
            _ = Task.Run(DeliverAsync);
        }
    }
}
