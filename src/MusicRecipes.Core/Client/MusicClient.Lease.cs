using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;

namespace MusicRecipes;

// The hold's lease (rule 6): a hold ends when its ticket is lost or its lease runs out, on a timer of its own, so the
// holder is told before anyone else can acquire.
public sealed partial class MusicClient
{
    /// <summary>The ticket is gone from the lock service: signal it (a reason the store already gave wins) and say so.</summary>
    private LockLostException Lost(LockRef lockRef, LockLossReason reason)
    {
        lockRef.Ticket.SignalLost(_locks.SessionState == LockSessionState.Lost ? LockLossReason.SessionExpired : reason);
        return LostException(lockRef);
    }

    private void StartLeaseTimer(LockRef lockRef, long leaseStart)
    {
        if (_options.HoldLease is not { } lease)
        {
            return;
        }

        // The deadline is read against the clock whenever the ticket's state is (a paused holder sees it at once); the
        // timer only makes the LostToken fire on time.
        var deadline = leaseStart + (long)(lease.TotalSeconds * _options.TimeProvider.TimestampFrequency);
        lockRef.Ticket.LimitHold(deadline, _options.TimeProvider);
        var remaining = lease - _options.TimeProvider.GetElapsedTime(leaseStart);
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }

        var timer = _options.TimeProvider.CreateTimer(static state => ((LockRef)state!).Ticket.CheckDeadlines(), lockRef, remaining, Timeout.InfiniteTimeSpan);
        _leaseTimers[lockRef.Id] = timer;
    }

    private void StopLeaseTimer(LockRef lockRef)
    {
        if (_leaseTimers.TryRemove(lockRef.Id, out var timer))
        {
            timer.Dispose();
        }
    }

    private void OnTicketLost(LockRef lockRef)
    {
        StopLeaseTimer(lockRef);
        if (!lockRef.IsReleased)
        {
            MusicTelemetry.Losses.Add(1, new KeyValuePair<string, object?>("music.reason", lockRef.LossReason?.ToString()));
            _logger.LogWarning("Ticket {Ticket} was lost: {Reason}", lockRef, lockRef.LossReason);
        }
    }
}
