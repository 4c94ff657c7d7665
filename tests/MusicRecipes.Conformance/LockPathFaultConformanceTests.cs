using System.Text;
using MusicRecipes.Locking;
using MusicRecipes.Testing.Faults;

namespace MusicRecipes.Conformance;

/// <summary>
/// Holders that stop inside the lock path — as a process in a long GC pause does — while the rest of the system goes
/// on: no such holder is ever told it holds a key someone else acquired, and no stale step of it corrupts the lock
/// state (rules 3 and 6 of docs/design.md). Each test stops one client deterministically with a
/// <see cref="PausableLockStore"/>.
/// </summary>
public abstract class LockPathFaultConformanceTests : ConformanceTestBase
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(5);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    /// <summary>A client whose lock store can be stopped at a step of the lock path.</summary>
    protected async Task<(IMusicClient Client, PausableLockStore Locks)> PausableClientAsync(int site, MusicClientOptions? options = null)
    {
        PausableLockStore? locks = null;
        var client = await Backend.CreateClientAsync(site, options, inner => locks = new PausableLockStore(inner));
        Track(client);
        return (client, locks!);
    }

    /// <summary>
    /// The client's ticket on <paramref name="key"/>, enqueued behind a short hold of another client, so that its
    /// acquisition is recorded in a step of its own after its head check. On a free key a lock store may record the
    /// acquisition inside the enqueue (the ZooKeeper store does: docs/zookeeper.md), and then there is no step between
    /// the head check and the record left to stop the client in.
    /// </summary>
    private async Task<LockRef> EnqueueBehindAHoldAsync(IMusicClient client, string key)
    {
        var other = await ClientAsync(0);
        var held = await HoldAsync(other, key);
        var lockRef = await client.CreateLockRefAsync([key]);
        await other.ReleaseLockAsync(held);
        return lockRef;
    }

    [Fact]
    public async Task A_head_stopped_before_recording_its_acquisition_and_force_released_is_never_told_it_holds()
    {
        var key = ConformanceKeys.New("stale-head-forced");
        var (x, xLocks) = await PausableClientAsync(0);
        var y = await ClientAsync(1);
        var xRef = await EnqueueBehindAHoldAsync(x, key);
        var pause = xLocks.Arm(LockPathStep.AfterHeadCheck);
        var acquiring = x.AcquireLockAsync(xRef);
        await pause.Reached.WaitAsync(Patience);

        // While x is stopped between its head check and its record, y removes it and takes the lock.
        Assert.True(await y.ForceReleaseAsync(key));
        var yRef = await HoldAsync(y, key);
        await y.CriticalPutAsync(yRef, key, Bytes("y"));

        pause.Resume();
        await AssertNeverHoldsAsync(acquiring, xRef);

        // y's section is intact, and x left no trace in the key's lock state (its ordinal is smaller than y's).
        Assert.Equal("y", Text(await y.CriticalGetAsync(yRef, key)));
        var state = await xLocks.Inner.GetKeyStateAsync(key, CancellationToken.None);
        Assert.Equal(yRef.FencingToken.Value, state.State.LastAcquired);
        await y.ReleaseLockAsync(yRef);
    }

    [Fact]
    public async Task A_head_stopped_before_recording_its_acquisition_past_its_session_is_never_told_it_holds()
    {
        var key = ConformanceKeys.New("stale-head-expired");
        var (x, xLocks) = await PausableClientAsync(0);
        var y = await ClientAsync(1);
        var xRef = await EnqueueBehindAHoldAsync(x, key);
        var yRef = await y.CreateLockRefAsync([key]);
        var pause = xLocks.Arm(LockPathStep.AfterHeadCheck);
        var acquiring = x.AcquireLockAsync(xRef);
        await pause.Reached.WaitAsync(Patience);

        await Backend.ExpireSessionAsync(x);
        await y.WaitForLockAsync(yRef, Patience);
        await y.CriticalPutAsync(yRef, key, Bytes("y"));

        pause.Resume();
        await AssertNeverHoldsAsync(acquiring, xRef);
        Assert.Equal("y", Text(await y.CriticalGetAsync(yRef, key)));
        Assert.Equal(yRef.FencingToken.Value, (await xLocks.Inner.GetKeyStateAsync(key, CancellationToken.None)).State.LastAcquired);
        await y.ReleaseLockAsync(yRef);
    }

    [Fact]
    public async Task A_stale_head_cannot_roll_back_the_lock_state_so_a_holder_past_its_lease_is_still_evicted()
    {
        var key = ConformanceKeys.New("stale-head-lease");
        var (x, xLocks) = await PausableClientAsync(0);
        // Every client judges others by its own lease, so y and z share one.
        var lease = new MusicClientOptions { HoldLease = TimeSpan.FromSeconds(2), ClockSkewAllowance = TimeSpan.FromMilliseconds(200) };
        var y = await ClientAsync(1, lease);
        var z = await ClientAsync(2, lease);
        var xRef = await EnqueueBehindAHoldAsync(x, key);
        var pause = xLocks.Arm(LockPathStep.AfterHeadCheck);
        var acquiring = x.AcquireLockAsync(xRef);
        await pause.Reached.WaitAsync(Patience);
        Assert.True(await y.ForceReleaseAsync(key));
        var yRef = await HoldAsync(y, key);
        pause.Resume();
        await AssertNeverHoldsAsync(acquiring, xRef);

        // y now hangs in its section past its lease (its session stays alive). z must still be able to evict it: the
        // eviction trusts the recorded acquisition, which x's late step must not have replaced with its own.
        var zRef = await z.CreateLockRefAsync([key]);
        await z.WaitForLockAsync(zRef, Patience);
        Assert.True(zRef.IsHeld);
        await WaitUntilAsync(() => !yRef.IsHeld);
        await z.ReleaseLockAsync(zRef);
    }

    [Fact]
    public async Task A_put_started_while_the_hold_is_being_released_is_refused_and_writes_nothing()
    {
        var key = ConformanceKeys.New("put-during-release");
        var (x, xLocks) = await PausableClientAsync(0);
        var xRef = await HoldAsync(x, key);
        await x.CriticalPutAsync(xRef, key, Bytes("v1"));

        var pause = xLocks.Arm(LockPathStep.BeforeRelease);
        var releasing = x.ReleaseLockAsync(xRef);
        await pause.Reached.WaitAsync(Patience);

        // The release has begun: a put now would race with the decision that the hold was clean. It is refused.
        await Assert.ThrowsAsync<LockNotHeldException>(() => x.CriticalPutAsync(xRef, key, Bytes("late")));
        pause.Resume();
        await releasing.WaitAsync(Patience);

        foreach (var site in Enumerable.Range(0, Backend.SiteCount))
        {
            var reader = await ClientAsync(site);
            var readRef = await HoldAsync(reader, key);
            Assert.Equal("v1", Text(await reader.CriticalGetAsync(readRef, key)));
            await reader.ReleaseLockAsync(readRef);
        }
    }

    [Fact]
    public async Task A_holder_is_never_told_it_holds_after_its_release_began()
    {
        var key = ConformanceKeys.New("held-during-release");
        var (x, xLocks) = await PausableClientAsync(0);
        var xRef = await HoldAsync(x, key);
        var pause = xLocks.Arm(LockPathStep.BeforeRelease);
        var releasing = x.ReleaseLockAsync(xRef);
        await pause.Reached.WaitAsync(Patience);
        Assert.False(xRef.IsHeld);
        await Assert.ThrowsAsync<LockNotHeldException>(() => x.CriticalGetAsync(xRef, key));
        pause.Resume();
        await releasing.WaitAsync(Patience);
        Assert.True(xRef.IsReleased);
    }

    [Fact]
    public async Task A_holder_whose_record_reply_was_lost_keeps_the_hold_lease_of_its_first_attempt()
    {
        // The record went through, its reply did not: the client retries over a state that already names its ticket.
        // Others date its hold from the record, so its own lease must too — restarted at the retry, it would still
        // believe it holds after they evicted it (found by the model, docs/model.md).
        var key = ConformanceKeys.New("lease-once");
        var lease = new MusicClientOptions { HoldLease = TimeSpan.FromSeconds(2), ClockSkewAllowance = TimeSpan.FromMilliseconds(200) };
        var (x, xLocks) = await PausableClientAsync(0, lease);
        var xRef = await EnqueueBehindAHoldAsync(x, key);
        var pause = xLocks.Arm(LockPathStep.AfterRecordReplyLost);
        var waiting = x.WaitForLockAsync(xRef, Patience);
        await pause.Reached.WaitAsync(Patience);
        await Task.Delay(lease.HoldLease!.Value + TimeSpan.FromSeconds(1));
        pause.Resume();

        await Assert.ThrowsAsync<LockLostException>(() => waiting.WaitAsync(Patience));
        Assert.False(xRef.IsHeld);
        Assert.Equal(LockLossReason.LeaseExpired, xRef.LossReason);
    }

    private static async Task AssertNeverHoldsAsync(Task<bool> acquiring, LockRef lockRef)
    {
        var error = await Assert.ThrowsAsync<LockLostException>(() => acquiring.WaitAsync(Patience));
        Assert.NotNull(error.Reason);
        Assert.False(lockRef.IsHeld);
        Assert.NotNull(lockRef.LossReason);
    }
}
