using Microsoft.Extensions.Time.Testing;
using MusicRecipes.Locking;

namespace MusicRecipes.Core.Tests;

/// <summary>The client-side lease that tells a holder of its loss first (rule 6 of docs/design.md).</summary>
public sealed class SessionLeaseTests
{
    private static readonly TimeSpan Term = TimeSpan.FromSeconds(8);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_term_leaves_the_margin_of_the_session_timeout_in_reserve()
    {
        Assert.Equal(TimeSpan.FromSeconds(8), SessionLease.TermFor(TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(5), SessionLease.TermFor(TimeSpan.FromSeconds(10), margin: 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionLease.TermFor(TimeSpan.FromSeconds(10), margin: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionLease.TermFor(TimeSpan.Zero));
    }

    [Fact]
    public void A_lease_not_renewed_expires_one_term_after_the_send_time_and_fires_its_token()
    {
        var start = _time.GetUtcNow();
        using var lease = new SessionLease(Term, _time);
        var fired = new ManualResetEventSlim();
        lease.ExpiredToken.Register(fired.Set);

        _time.Advance(Term - TimeSpan.FromMilliseconds(1));
        Assert.False(lease.IsExpired);
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True(fired.Wait(TimeSpan.FromSeconds(5)), "the timer did not fire the token");
        Assert.True(lease.IsExpired);
        Assert.Equal(start + Term, lease.ExpiredAt);
    }

    [Fact]
    public void A_renewal_counts_from_the_send_time_of_the_acknowledged_request_never_from_its_reply()
    {
        using var lease = new SessionLease(Term, _time);
        var sentAt = _time.GetTimestamp();
        var sentWhen = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(3)); // the reply took 3 s
        lease.Renew(sentAt);
        lease.Renew(sentAt - 1); // an older acknowledgement changes nothing

        _time.Advance(Term - TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(1));
        Assert.False(lease.IsExpired);
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True(lease.IsExpired);
        Assert.Equal(sentWhen + Term, lease.ExpiredAt);
    }

    [Fact]
    public void An_expired_lease_never_comes_back()
    {
        using var lease = new SessionLease(Term, _time);
        _time.Advance(Term + TimeSpan.FromSeconds(1));
        Assert.True(lease.IsExpired);
        lease.Renew(_time.GetTimestamp());
        Assert.True(lease.IsExpired);

        using var ended = new SessionLease(Term, _time);
        ended.Expire();
        Assert.True(ended.IsExpired);
        Assert.Equal(_time.GetUtcNow(), ended.ExpiredAt);
    }

    [Fact]
    public void A_ticket_reads_lost_from_its_sessions_deadline_even_when_nobody_looked_until_much_later()
    {
        var start = _time.GetUtcNow();
        using var lease = new SessionLease(Term, _time);
        var ticket = new LockTicket("t1", "s1", [new TicketPosition("k", 1)], lease);
        Assert.Null(ticket.LossReason);

        // A paused process: long past the deadline before it reads anything. Another loss signalled now comes second.
        _time.Advance(Term + TimeSpan.FromSeconds(30));
        ticket.SignalLost(LockLossReason.ForciblyReleased);
        Assert.Equal(LockLossReason.SessionExpired, ticket.LossReason);
        Assert.Equal(start + Term, ticket.LostAt);
    }

    [Fact]
    public void A_hold_lease_ends_the_ticket_at_its_deadline()
    {
        var start = _time.GetUtcNow();
        var ticket = new LockTicket("t1", "s1", [new TicketPosition("k", 1)]);
        ticket.LimitHold(_time.GetTimestamp() + (long)(2 * _time.TimestampFrequency), _time);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(ticket.LossReason);
        Assert.Null(ticket.LostAt);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(LockLossReason.LeaseExpired, ticket.LossReason);
        Assert.Equal(start + TimeSpan.FromSeconds(2), ticket.LostAt);
    }
}
