using System.Diagnostics;
using MusicRecipes.Locking;
using MusicRecipes.Testing.Backends;
using Xunit.Abstractions;

namespace MusicRecipes.Conformance;

/// <summary>
/// Loss is told first (rule 6 of docs/design.md): a holder cut off from the lock service is told of its loss — its
/// <see cref="LockRef.LostToken"/> fires and <see cref="LockRef.IsHeld"/> turns false — no later than the moment any
/// other client can acquire. The partition is silent (connections stay open, nothing gets through), so the holder
/// cannot learn from a closed connection; only its own lease can tell it in time.
/// </summary>
public abstract class LossFirstConformanceTests(ITestOutputHelper output) : ConformanceTestBase
{
    /// <inheritdoc />
    protected override MusicTestBackendFaults RequiredFaults => MusicTestBackendFaults.Stall;

    [Fact]
    public async Task A_holder_silently_cut_off_is_told_of_its_loss_before_anyone_else_acquires()
    {
        var key = ConformanceKeys.New("loss-first");
        var holder = await ClientAsync(0);
        var waiter = await ClientAsync(1);
        var held = await HoldAsync(holder, key);
        var waiting = await waiter.CreateLockRefAsync([key]);
        long toldAt = 0;
        held.LostToken.Register(() => Interlocked.CompareExchange(ref toldAt, Stopwatch.GetTimestamp(), 0));

        await Backend.StallAsync(0);
        long acquiredAt;
        DateTimeOffset acquiredAtUtc;
        bool heldWhenWaiterAcquired;
        try
        {
            await waiter.WaitForLockAsync(waiting, Patience);
            acquiredAt = Stopwatch.GetTimestamp();
            acquiredAtUtc = DateTimeOffset.UtcNow;
            heldWhenWaiterAcquired = held.IsHeld;
        }
        finally
        {
            await Backend.EndStallAsync(0);
        }

        // What the holder reads is the rule (6 in docs/design.md): from LostAt on, IsHeld is false and LossReason set,
        // whether or not any callback has run yet.
        Assert.False(heldWhenWaiterAcquired, "The cut-off holder still believed it held the lock when the waiter acquired it.");
        Assert.Equal(LockLossReason.SessionExpired, held.LossReason);
        Assert.True(held.LostAt <= acquiredAtUtc, $"The holder's loss is dated {held.LostAt:O}, after the waiter acquired at {acquiredAtUtc:O}.");

        // LostToken is fired by a timer at that deadline, and its callbacks run on the thread pool: on a starved pool
        // (a loaded 2-core CI box) they may come later than the waiter's acquisition, but they come.
        await WaitUntilAsync(() => Interlocked.Read(ref toldAt) != 0);
        var told = Interlocked.Read(ref toldAt);
        output.WriteLine($"lost {(acquiredAtUtc - held.LostAt!.Value).TotalMilliseconds:F0} ms before the waiter acquired (LostAt {held.LostAt:O}); "
            + $"the LostToken callback ran {Stopwatch.GetElapsedTime(told, acquiredAt).TotalMilliseconds:F0} ms before it (negative: after)");
        await waiter.ReleaseLockAsync(waiting);
    }
}
