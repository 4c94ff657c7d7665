using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Conformance;

/// <summary>
/// A release the lock service did not confirm is finished by the client in the background (guaranteed release): a
/// ticket left queued while its session lives would otherwise block the key for as long as the session lives.
/// </summary>
public abstract class GuaranteedReleaseConformanceTests : ConformanceTestBase
{
    /// <inheritdoc />
    protected override MusicTestBackendFaults RequiredFaults => MusicTestBackendFaults.CutOff;

    [Fact]
    public async Task A_release_that_failed_during_a_cut_is_completed_after_the_heal_without_the_caller_retrying()
    {
        var key = ConformanceKeys.New("guaranteed-release");
        var holder = await ClientAsync(0);
        var waiter = await ClientAsync(1);
        var held = await HoldAsync(holder, key);
        var waiting = await waiter.CreateLockRefAsync([key]);

        await Backend.CutOffAsync(0);
        try
        {
            // The caller gives up quickly; the cut is far shorter than the session timeout, so the session survives it.
            using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<Exception>(() => holder.ReleaseLockAsync(held, giveUp.Token));
            Assert.False(held.IsReleased);
        }
        finally
        {
            await Backend.HealAsync(0);
        }

        // Nobody calls release again. The holder's session lives on, so only the client's own retry frees the key.
        await waiter.WaitForLockAsync(waiting, Patience);
        await WaitUntilAsync(() => held.IsReleased);
        Assert.Null(held.LossReason);
        await waiter.ReleaseLockAsync(waiting);
    }

    [Fact]
    public async Task A_withdrawal_that_failed_during_a_cut_does_not_leave_the_ticket_queued()
    {
        var key = ConformanceKeys.New("guaranteed-withdrawal");
        var holder = await ClientAsync(1);
        var quitter = await ClientAsync(0);
        var next = await ClientAsync(2);
        var held = await HoldAsync(holder, key);
        var abandoned = await quitter.CreateLockRefAsync([key]);
        var waiting = await next.CreateLockRefAsync([key]);

        await Backend.CutOffAsync(0);
        try
        {
            using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<Exception>(() => quitter.ReleaseLockAsync(abandoned, giveUp.Token));
        }
        finally
        {
            await Backend.HealAsync(0);
        }

        await holder.ReleaseLockAsync(held);
        await next.WaitForLockAsync(waiting, Patience);
        Assert.True(waiting.IsHeld);
        await WaitUntilAsync(() => abandoned.IsReleased);
        await next.ReleaseLockAsync(waiting);
    }
}
