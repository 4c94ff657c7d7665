namespace MusicRecipes.Locking;

/// <summary>
/// The client's side of a lock-service session's lease (rule 6 of docs/design.md: loss is told first). The lock
/// service keeps a session alive for its timeout after the last request it received; a request the service answered
/// was received no earlier than it was sent. So the client may count on the session only until the send time of the
/// last acknowledged request plus the lease <see cref="Term"/> — a fraction of the service's timeout, leaving a margin
/// for clock-rate differences and scheduling. At that deadline the lease expires: every ticket of the session reads as
/// lost from that moment on (whether or not the process ran in between — a paused process sees it the moment it
/// resumes) and <see cref="ExpiredToken"/> fires, on a timer that does not wait for requests in flight. An expired
/// lease never comes back: a later reply that shows the session alive restores nothing already declared lost.
/// </summary>
/// <example>
/// <code>
/// var lease = new SessionLease(SessionLease.TermFor(sessionTimeout), timeProvider);
/// var sentAt = timeProvider.GetTimestamp();
/// await SendHeartbeatAsync(ct);   // acknowledged by the service
/// lease.Renew(sentAt);
/// var ticket = new LockTicket(id, sessionId, positions, lease); // lost once the lease runs out
/// </code>
/// </example>
public sealed class SessionLease : IDisposable
{
    /// <summary>The part of the service's session timeout the client keeps in reserve by default: 20 %.</summary>
    public const double DefaultMargin = 0.2;

    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _expired = new();
    private ITimer? _timer;
    private readonly object _gate = new();
    private long _lastSent;
    private long _deadline;
    private long _expiredAtTicks;
    private int _isExpired;

    /// <summary>
    /// Starts a lease whose first deadline is <paramref name="term"/> after <paramref name="sentTimestamp"/> (the send
    /// time, by <paramref name="timeProvider"/>'s <see cref="TimeProvider.GetTimestamp"/>, of the request that opened or
    /// confirmed the session); now when omitted.
    /// </summary>
    public SessionLease(TimeSpan term, TimeProvider? timeProvider = null, long? sentTimestamp = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(term, TimeSpan.Zero);
        _time = timeProvider ?? TimeProvider.System;
        Term = term;
        _lastSent = sentTimestamp ?? _time.GetTimestamp();
        _deadline = _lastSent + ToTimestampTicks(term);
        Volatile.Write(ref _timer, _time.CreateTimer(static state => ((SessionLease)state!).OnTimer(), this, Remaining(), Timeout.InfiniteTimeSpan));
    }

    /// <summary>How long after the send time of an acknowledged request the session is surely still alive.</summary>
    public TimeSpan Term { get; }

    /// <summary>True from the deadline on (checked against the clock, not only when the timer ran).</summary>
    public bool IsExpired
    {
        get
        {
            if (Volatile.Read(ref _isExpired) == 0 && _time.GetTimestamp() >= Interlocked.Read(ref _deadline))
            {
                ExpireAt(atDeadline: true);
            }

            return Volatile.Read(ref _isExpired) != 0;
        }
    }

    /// <summary>The moment the lease expired (the deadline, or when <see cref="Expire"/> was called), by the lease's clock.</summary>
    public DateTimeOffset? ExpiredAt => Volatile.Read(ref _isExpired) == 0 ? null : new DateTimeOffset(Interlocked.Read(ref _expiredAtTicks), TimeSpan.Zero);

    /// <summary>Fires once the lease has expired. Callbacks run on the thread pool.</summary>
    public CancellationToken ExpiredToken => _expired.Token;

    /// <summary>The lease's clock (the one <see cref="ExpiredAt"/> is read on).</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>The term that leaves <paramref name="margin"/> of the service's <paramref name="sessionTimeout"/> in reserve.</summary>
    public static TimeSpan TermFor(TimeSpan sessionTimeout, double margin = DefaultMargin)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sessionTimeout, TimeSpan.Zero);
        if (margin is < 0 or >= 1 || double.IsNaN(margin))
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin must be in [0, 1).");
        }

        return sessionTimeout * (1 - margin);
    }

    /// <summary>
    /// A request sent at <paramref name="sentTimestamp"/> was acknowledged by the service: the session lives at least
    /// <see cref="Term"/> beyond it. Does nothing once the lease has expired, or for a send time older than one seen.
    /// </summary>
    public void Renew(long sentTimestamp)
    {
        if (Volatile.Read(ref _isExpired) != 0)
        {
            return;
        }

        var deadline = sentTimestamp + ToTimestampTicks(Term);
        long seen;
        do
        {
            seen = Interlocked.Read(ref _deadline);
            if (deadline <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _deadline, deadline, seen) != seen);
    }

    /// <summary>Ends the lease now (the session is known to be gone). Idempotent.</summary>
    public void Expire() => ExpireAt(atDeadline: false);

    /// <inheritdoc />
    public void Dispose()
    {
        Volatile.Read(ref _timer)?.Dispose();
        _expired.Dispose();
    }

    private void ExpireAt(bool atDeadline)
    {
        lock (_gate)
        {
            if (_isExpired != 0)
            {
                return;
            }

            // Expired at the deadline even if nobody looked until later: that is when the holder stopped being safe.
            var now = _time.GetUtcNow();
            var at = atDeadline ? now - _time.GetElapsedTime(Interlocked.Read(ref _deadline)) : now;
            Interlocked.Exchange(ref _expiredAtTicks, at.UtcTicks);
            Volatile.Write(ref _isExpired, 1);
        }

        ChangeTimer(Timeout.InfiniteTimeSpan);
        ThreadPool.UnsafeQueueUserWorkItem(static source => CancelQuietly(source), _expired, preferLocal: false);
    }

    private void OnTimer()
    {
        if (IsExpired)
        {
            return;
        }

        // Renewed meanwhile: sleep until the new deadline.
        ChangeTimer(Remaining());
    }

    private void ChangeTimer(TimeSpan due)
    {
        try
        {
            // Null only while the constructor has not stored the timer yet (a timer due at once may run before).
            Volatile.Read(ref _timer)?.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed with its session.
        }
    }

    private TimeSpan Remaining()
    {
        var ticks = Interlocked.Read(ref _deadline) - _time.GetTimestamp();
        return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ticks / _time.TimestampFrequency) + TimeSpan.FromMilliseconds(1);
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed with its session.
        }
    }
}
