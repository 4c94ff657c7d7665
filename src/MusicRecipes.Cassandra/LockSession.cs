using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MusicRecipes.Cql;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>
/// A lock-service session on Cassandra: a lease row written with a TTL and renewed by a heartbeat LWT
/// (<c>UPDATE … USING TTL t SET alive = true … IF alive = true</c>). Once the row has expired nobody can revive it —
/// the renewal's condition fails — so "someone saw the session dead" and "the session is dead" agree. Every renewal
/// that was applied renews the session's <see cref="SessionLease"/> by its send time, and gives up after one heartbeat
/// interval, so a renewal stuck on a dead link never delays the next. When the heartbeat finds its row gone, or the
/// lease runs out (before the row can expire on any replica), every ticket of the session is signalled lost (rule 6 of
/// docs/design.md: loss is told first) and the next call opens a new session.
/// </summary>
internal sealed class LockSession : IAsyncDisposable
{
    private readonly CqlSession _cql;
    private readonly Func<CancellationToken, Task<LockStatements>> _statements;
    private readonly LwtRunner _lwt;
    private readonly CassandraLockStoreOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private readonly ConcurrentDictionary<string, LockTicket> _tickets = new(StringComparer.Ordinal);
    private CancellationTokenSource? _heartbeatStop;
    private Task _heartbeat = Task.CompletedTask;
    private volatile string? _id;
    private volatile SessionLease? _lease;
    private volatile int _state = (int)LockSessionState.Latent;

    /// <summary>
    /// Run after every successful renewal: checks that the session's tickets are still queued, so a holder learns
    /// of a forced removal within one heartbeat even if it never reads its queue again (rule 6 of docs/design.md).
    /// </summary>
    public Func<IReadOnlyCollection<LockTicket>, CancellationToken, Task>? VerifyTickets { get; set; }

    /// <summary>Told which tickets were lost with the session (after each was signalled lost), so their rows can go.</summary>
    public Action<IReadOnlyCollection<LockTicket>>? TicketsLost { get; set; }

    public LockSession(CqlSession cql, Func<CancellationToken, Task<LockStatements>> statements, LwtRunner lwt, CassandraLockStoreOptions options, ILogger logger)
    {
        _cql = cql;
        _statements = statements;
        _lwt = lwt;
        _options = options;
        _logger = logger;
        Events = new LockSessionStateNotifier(this, () => State);
    }

    /// <summary>Reports every change of <see cref="State"/> (the store raises it as its own event).</summary>
    public LockSessionStateNotifier Events { get; }

    public string? Id => _id;

    public LockSessionState State => (LockSessionState)_state;

    /// <summary>The client-side lease of <paramref name="sessionId"/> if it is the current session; else an expired one.</summary>
    public SessionLease LeaseOf(string sessionId)
    {
        if (_lease is { } lease && sessionId == _id)
        {
            return lease;
        }

        var over = new SessionLease(_options.LeaseTerm);
        over.Expire();
        return over;
    }

    /// <summary>Whether <paramref name="sessionId"/> is this process's live session.</summary>
    public bool IsCurrent(string sessionId) =>
        sessionId == _id && State is LockSessionState.Connected or LockSessionState.Reconnected or LockSessionState.Suspended;

    /// <summary>The live session's id, opening a new session when there is none (first use, or the last one expired).</summary>
    public async Task<string> EnsureOpenAsync(CancellationToken cancellationToken)
    {
        if (_id is { } current && IsCurrent(current))
        {
            return current;
        }

        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(State == LockSessionState.Closed, this);
            if (_id is { } raced && IsCurrent(raced))
            {
                return raced;
            }

            var statements = await _statements(cancellationToken).ConfigureAwait(false);
            var id = Guid.NewGuid().ToString("N");
            var sentAt = TimeProvider.System.GetTimestamp();
            var created = await _lwt.TryAsync(_lwt.Conditional(statements.CreateSession, id, _options.SessionTtlSeconds), "Open lock session", cancellationToken).ConfigureAwait(false);
            if (created is null && !await IsAliveAsync(id, cancellationToken).ConfigureAwait(false))
            {
                throw new MusicTimeoutException("Opening a lock session timed out.");
            }

            _lease?.Dispose();
            var lease = new SessionLease(_options.LeaseTerm, TimeProvider.System, sentAt);
            lease.ExpiredToken.Register(() => Expire(id, "its lease ran out before a renewal was acknowledged"));
            _lease = lease;
            _id = id;
            _state = (int)LockSessionState.Connected;
            Events.StateMayHaveChanged();
            _heartbeatStop?.Dispose();
            _heartbeatStop = new CancellationTokenSource();
            var stop = _heartbeatStop.Token;
            _heartbeat = Task.Run(() => HeartbeatAsync(id, lease, stop), CancellationToken.None);
            _logger.LogDebug("Lock session {Session} opened", id);
            return id;
        }
        finally
        {
            _openLock.Release();
        }
    }

    public void Track(LockTicket ticket)
    {
        _tickets[ticket.Id] = ticket;
        if (!IsCurrent(ticket.SessionId))
        {
            ticket.SignalLost(LockLossReason.SessionExpired);
        }
    }

    public void Untrack(LockTicket ticket) => _tickets.TryRemove(ticket.Id, out _);

    public LockTicket? Find(string ticketId) => _tickets.TryGetValue(ticketId, out var ticket) ? ticket : null;

    /// <summary>Strongly reads whether a session's lease row still exists.</summary>
    public async Task<bool> IsAliveAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (IsCurrent(sessionId))
        {
            return true;
        }

        var statements = await _statements(cancellationToken).ConfigureAwait(false);
        var rows = await _lwt.ReadAsync(_lwt.SerialRead(statements.ReadSession, sessionId), "Read lock session", cancellationToken).ConfigureAwait(false);
        return rows.Rows.Count > 0;
    }

    public async ValueTask DisposeAsync()
    {
        var id = _id;
        var wasLive = id is not null && IsCurrent(id);
        _state = (int)LockSessionState.Closed;
        Events.StateMayHaveChanged();
        _heartbeatStop?.Cancel();
        await _heartbeat.ConfigureAwait(false);
        foreach (var ticket in _tickets.Values)
        {
            ticket.SignalLost(LockLossReason.ClientClosed);
        }

        _tickets.Clear();
        if (wasLive)
        {
            try
            {
                // Ending the lease at once lets others remove this session's tickets without waiting for the TTL.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var statements = await _statements(timeout.Token).ConfigureAwait(false);
                await _lwt.TryAsync(_lwt.Conditional(statements.DeleteSession, id), "Close lock session", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MusicException or CqlException or OperationCanceledException)
            {
                _logger.LogDebug(e, "Could not delete lock session {Session}; it expires with its TTL", id);
            }
        }

        _heartbeatStop?.Dispose();
        _openLock.Dispose();
        _lease?.Dispose();
    }

    private async Task HeartbeatAsync(string id, SessionLease lease, CancellationToken stop)
    {
        var interval = _options.Heartbeat;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false) && _id == id && !lease.IsExpired)
            {
                try
                {
                    var statements = await _statements(stop).ConfigureAwait(false);
                    var sentAt = TimeProvider.System.GetTimestamp();
                    var renewed = await _lwt.TryAsync(_lwt.ConditionalWithin(interval, statements.RenewSession, _options.SessionTtlSeconds, id), "Renew lock session", stop).ConfigureAwait(false);
                    if (renewed is { WasApplied: false })
                    {
                        Expire(id, "its lease row expired or was deleted");
                        return;
                    }

                    if (renewed is not null)
                    {
                        lease.Renew(sentAt);
                        Interlocked.CompareExchange(ref _state, (int)LockSessionState.Reconnected, (int)LockSessionState.Suspended);
                        Events.StateMayHaveChanged();
                        await VerifyTicketsAsync(id, stop).ConfigureAwait(false);
                        continue;
                    }
                }
                catch (MusicException e)
                {
                    _logger.LogDebug(e, "Lock session {Session} heartbeat failed", id);
                }

                // Not renewed: holders are warned; the lease decides when the session counts as lost.
                Interlocked.CompareExchange(ref _state, (int)LockSessionState.Suspended, (int)LockSessionState.Connected);
                Interlocked.CompareExchange(ref _state, (int)LockSessionState.Suspended, (int)LockSessionState.Reconnected);
                Events.StateMayHaveChanged();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Closed or replaced.
        }
    }

    private async Task VerifyTicketsAsync(string id, CancellationToken stop)
    {
        if (VerifyTickets is not { } verify)
        {
            return;
        }

        try
        {
            await verify(_tickets.Values.ToList(), stop).ConfigureAwait(false);
        }
        catch (MusicException e)
        {
            // The renewal worked; the check is retried on the next beat.
            _logger.LogDebug(e, "Could not verify the tickets of lock session {Session}", id);
        }
    }

    private void Expire(string id, string why)
    {
        if (_id != id || State == LockSessionState.Closed)
        {
            return;
        }

        _state = (int)LockSessionState.Lost;
        Events.StateMayHaveChanged();
        _lease?.Expire();
        _logger.LogWarning("Lock session {Session} lost: {Why}", id, why);
        var lost = _tickets.Values.Where(t => t.SessionId == id).ToList();
        foreach (var ticket in lost)
        {
            ticket.SignalLost(LockLossReason.SessionExpired);
            _tickets.TryRemove(ticket.Id, out _);
        }

        TicketsLost?.Invoke(lost);
    }
}
