using Medallion.Threading;

namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>
/// DistributedLock's contract (<see cref="IDistributedLockProvider"/>) on MUSIC, for any backend: the cases of
/// DistributedLock's own core test suite (basic use, bad arguments, idempotent disposal, timeouts, cancellation,
/// parallelism, any name, handle loss), plus what MUSIC adds (loss told first, the value under the lock, fencing).
/// </summary>
public abstract class DistributedLockTestCases : RecipeTestBase
{
    /// <summary>A provider over a fresh client of <paramref name="site"/>.</summary>
    private async Task<IDistributedLockProvider> ProviderAsync(int site = 0) =>
        new MusicDistributedSynchronizationProvider(await ClientAsync(site));

    [Fact]
    public async Task A_lock_is_exclusive_not_reentrant_and_free_again_after_release()
    {
        var provider = await ProviderAsync();
        var name = UniqueName("basic");
        var @lock = provider.CreateLock(name);
        var other = provider.CreateLock(name + "2");

        using (var handle = @lock.TryAcquire())
        {
            Assert.NotNull(handle);
            using (var nested = @lock.TryAcquire())
            {
                Assert.Null(nested); // not reentrant
            }

            using var different = other.TryAcquire();
            Assert.NotNull(different);
        }

        using var again = @lock.TryAcquire();
        Assert.NotNull(again);
    }

    [Fact]
    public async Task The_async_forms_behave_as_the_sync_ones()
    {
        var provider = await ProviderAsync();
        var name = UniqueName("basic-async");
        await using (var handle = await provider.TryAcquireLockAsync(name))
        {
            Assert.NotNull(handle);
            await using var nested = await provider.TryAcquireLockAsync(name);
            Assert.Null(nested);
        }

        await using var again = await provider.AcquireLockAsync(name, Patience);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task Bad_timeouts_and_a_null_name_are_rejected_before_anything_starts()
    {
        var provider = await ProviderAsync();
        var @lock = provider.CreateLock(UniqueName("bad"));
        foreach (var bad in new[] { TimeSpan.FromSeconds(-2), TimeSpan.FromSeconds(int.MaxValue) })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => @lock.Acquire(bad));
            Assert.Throws<ArgumentOutOfRangeException>(() => @lock.TryAcquire(bad));
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = @lock.AcquireAsync(bad); });
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = @lock.TryAcquireAsync(bad); });
        }

        Assert.Throws<ArgumentNullException>(() => provider.CreateLock(null!));
    }

    [Fact]
    public async Task Disposing_a_handle_twice_is_harmless()
    {
        var @lock = (await ProviderAsync()).CreateLock(UniqueName("dispose"));
        var handle = @lock.Acquire(Patience);
        handle.Dispose();
        var second = @lock.Acquire(Patience);
        handle.Dispose(); // must not release the second holder's lock
        Assert.Null(await (await ProviderAsync(1)).TryAcquireLockAsync(@lock.Name));
        await second.DisposeAsync();
        await second.DisposeAsync();
        second.Dispose();
        Assert.Throws<ObjectDisposedException>(() => second.HandleLostToken);
    }

    [Fact]
    public async Task A_timeout_returns_null_from_TryAcquire_and_throws_a_TimeoutException_naming_the_holder_from_Acquire()
    {
        var name = UniqueName("timeouts");
        await using var held = await (await ProviderAsync(0)).AcquireLockAsync(name, Patience);
        var @lock = (await ProviderAsync(1)).CreateLock(name);
        var timeout = TimeSpan.FromMilliseconds(200);

        var sync = await Task.Run(() => Record.Exception(() => @lock.Acquire(timeout)));
        Assert.True(sync is LockTimeoutException, $"expected a LockTimeoutException, got {sync?.GetType().Name ?? "the lock"}; the holder's loss: {((MusicDistributedLockHandle)held).LossReason}");
        var named = (LockTimeoutException)sync!;
        Assert.Equal(((MusicDistributedLockHandle)held).LockRef.Id, named.Holder?.TicketId);
        var asyncForm = await Record.ExceptionAsync(async () => await @lock.AcquireAsync(timeout));
        Assert.True(asyncForm is LockTimeoutException, $"expected a LockTimeoutException, got {asyncForm?.GetType().Name ?? "the lock"}; the holder's loss: {((MusicDistributedLockHandle)held).LossReason}");
        var zero = await Record.ExceptionAsync(async () => await @lock.AcquireAsync(TimeSpan.Zero));
        Assert.True(zero is LockTimeoutException, $"expected a LockTimeoutException, got {zero?.GetType().Name ?? "the lock"}; the holder's loss: {((MusicDistributedLockHandle)held).LossReason}");
        Assert.Null(await Task.Run(() => @lock.TryAcquire(timeout)));
        Assert.Null(await @lock.TryAcquireAsync(timeout));
        Assert.Null(await @lock.TryAcquireAsync());

        // None of the attempts left a ticket queued: the lock is free the moment the holder lets go.
        await held.DisposeAsync();
        await using var next = await @lock.TryAcquireAsync();
        Assert.NotNull(next);
    }

    [Fact]
    public async Task Cancelling_a_wait_cancels_the_task_and_withdraws_the_ticket()
    {
        var name = UniqueName("cancel");
        var held = await (await ProviderAsync(0)).AcquireLockAsync(name, Patience);
        var @lock = (await ProviderAsync(1)).CreateLock(name);

        using var source = new CancellationTokenSource();
        var blocked = Task.Run(() => @lock.AcquireAsync(cancellationToken: source.Token).AsTask());
        await Task.Delay(100);
        Assert.False(blocked.IsCompleted);
        source.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WithinPatience(blocked, "the cancelled wait ends"));
        Assert.True(blocked.IsCanceled, blocked.Status.ToString());

        await held.DisposeAsync();
        await using var next = await @lock.TryAcquireAsync();
        Assert.NotNull(next);
    }

    [Fact]
    public async Task An_already_cancelled_token_throws_in_the_sync_forms_and_cancels_the_async_ones()
    {
        var @lock = (await ProviderAsync()).CreateLock(UniqueName("cancelled"));
        using var source = new CancellationTokenSource();
        source.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => @lock.Acquire(cancellationToken: source.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => @lock.TryAcquire(cancellationToken: source.Token));
        var acquire = @lock.AcquireAsync(cancellationToken: source.Token).AsTask();
        var tryAcquire = @lock.TryAcquireAsync(cancellationToken: source.Token).AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acquire);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tryAcquire);
        Assert.True(acquire.IsCanceled);
        Assert.True(tryAcquire.IsCanceled);
    }

    [Fact]
    public async Task Holders_at_every_site_never_overlap()
    {
        const int HoldersPerSite = 3;
        const int HoldsEach = 3;
        var name = UniqueName("parallel");
        var inside = 0;
        var overlaps = 0;
        var holds = 0;
        var tasks = new List<Task>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            for (var i = 0; i < HoldersPerSite; i++)
            {
                var @lock = (await ProviderAsync(site)).CreateLock(name);
                tasks.Add(Task.Run(async () =>
                {
                    for (var n = 0; n < HoldsEach; n++)
                    {
                        await using (await @lock.AcquireAsync())
                        {
                            if (Interlocked.Increment(ref inside) != 1)
                            {
                                Interlocked.Increment(ref overlaps);
                            }

                            await Task.Delay(5);
                            Interlocked.Increment(ref holds);
                            Interlocked.Decrement(ref inside);
                        }
                    }
                }));
            }
        }

        await WithinPatience(Task.WhenAll(tasks), "every holder finished");
        Assert.Equal(0, overlaps);
        Assert.Equal(Backend.SiteCount * HoldersPerSite * HoldsEach, holds);
    }

    [Fact]
    public async Task Any_string_is_a_valid_name()
    {
        var suffix = UniqueName(string.Empty);
        foreach (var name in new[] { string.Empty, "\\\\\\", "tab\there, nul\0 and ~tilde", "\ud800 lone surrogate", "music/lock/~looks~encoded" })
        {
            await AssertIsALockAsync(name + suffix);
        }
    }

    [Fact]
    public async Task Long_names_and_names_differing_only_in_case_or_bad_characters_are_distinct_locks()
    {
        var suffix = UniqueName(string.Empty);
        await AssertIsALockAsync(new string('a', 1000) + suffix);
        var provider = await ProviderAsync();
        var pairs = new[]
        {
            (new string('a', 1000) + suffix, new string('a', 999) + "A" + suffix),
            ("case" + suffix, "CASE" + suffix),
            ("nul\0" + suffix, "soh\u0001" + suffix),
            ("\ud800" + suffix, "\udc00" + suffix), // one UTF-8 encoding (U+FFFD) for both
        };
        foreach (var (first, second) in pairs)
        {
            Assert.NotEqual(MusicDistributedSynchronizationProvider.GetKey(first), MusicDistributedSynchronizationProvider.GetKey(second));
            await using var a = await provider.TryAcquireLockAsync(first);
            await using var b = await provider.TryAcquireLockAsync(second);
            Assert.NotNull(a);
            Assert.NotNull(b);
        }

        Assert.Equal("music/lock/stock:apples", MusicDistributedSynchronizationProvider.GetKey("stock:apples"));
    }

    [Fact]
    public async Task HandleLostToken_fires_on_session_expiry_and_the_next_holder_gets_the_lock()
    {
        var name = UniqueName("lost");
        var client = await ClientAsync(0);
        var handle = await new MusicDistributedSynchronizationProvider(client).CreateLock(name).AcquireAsync(Patience);
        var token = handle.HandleLostToken;
        Assert.True(token.CanBeCanceled);
        Assert.False(token.IsCancellationRequested);

        var next = (await ProviderAsync(1)).CreateLock(name).AcquireAsync(Patience).AsTask();
        await Backend.ExpireSessionAsync(client);
        await WithinPatience(WhenCancelled(token), "HandleLostToken fires");
        Assert.False(handle.IsHeld);
        Assert.NotNull(handle.LossReason);
        await using var successor = await WithinPatience(next, "the next holder acquires after the expiry");

        await handle.DisposeAsync(); // releasing a lost hold needs nothing and does not throw
        Assert.Throws<ObjectDisposedException>(() => handle.HandleLostToken);
    }

    [Fact]
    public async Task A_holder_cut_off_from_the_lock_service_knows_it_lost_before_anyone_else_acquires()
    {
        var name = UniqueName("cut");
        var client = await ClientAsync(2);
        var handle = await new MusicDistributedSynchronizationProvider(client).CreateLock(name).AcquireAsync(Patience);
        var next = (await ProviderAsync(0)).CreateLock(name).AcquireAsync(Patience).AsTask();

        await Backend.CutOffAsync(2);
        await using var successor = await WithinPatience(next, "the next holder acquires once the cut-off session expired");
        Assert.False(handle.IsHeld); // rule 6: by the time anyone else holds, the old holder reads its loss
        Assert.NotNull(handle.LossReason);
        await WithinPatience(WhenCancelled(handle.HandleLostToken), "HandleLostToken fires");

        await Backend.HealAsync(2);
        await handle.DisposeAsync();
    }

    [Fact]
    public async Task A_normal_release_does_not_fire_HandleLostToken()
    {
        var handle = await (await ProviderAsync()).CreateLock(UniqueName("release")).AcquireAsync(Patience);
        var token = handle.HandleLostToken;
        await handle.DisposeAsync();
        await Task.Delay(100);
        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public async Task A_wait_whose_session_expires_queues_again_and_still_gets_the_lock()
    {
        var (held, waiterClient, key, waiting) = await HoldAndQueueAWaiterAsync("requeue");
        var firstTicket = (await waiterClient.GetLockQueueAsync(key))[1].TicketId;

        await Backend.ExpireSessionAsync(waiterClient);
        // Read through the waiter's own client, whose session has just ended: a read that meets the expiry is "not yet".
        await EventuallyAsync(
            async () =>
            {
                try
                {
                    return await waiterClient.GetLockQueueAsync(key) is [_, var again] && again.TicketId != firstTicket;
                }
                catch (MusicUnavailableException)
                {
                    return false;
                }
            },
            "the waiter is queued again with a new ticket");
        Assert.False(waiting.IsCompleted, waiting.Exception?.ToString());

        await held.DisposeAsync();
        await using var handle = await WithinPatience(waiting, "the waiter gets the lock after the holder lets go");
        Assert.True(handle.IsHeld);
    }

    [Fact]
    public async Task A_wait_cut_off_from_the_lock_service_keeps_trying_and_gets_the_lock_after_the_heal()
    {
        var (held, waiterClient, _, waiting) = await HoldAndQueueAWaiterAsync("cut");

        // Cut off, the waiter's session ends and its attempts to queue again fail: an infinite wait must not give up.
        await Backend.CutOffAsync(1);
        await EventuallyAsync(() => waiterClient.SessionState == LockSessionState.Lost, "the waiter's lock session is lost");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted, waiting.Exception?.ToString());

        await Backend.HealAsync(1);
        await held.DisposeAsync();
        await using var handle = await WithinPatience(waiting, "the waiter gets the lock after the heal and the release");
        Assert.True(handle.IsHeld);
    }

    [Fact]
    public async Task The_holder_reads_the_latest_value_under_the_lock_and_fencing_increases()
    {
        var name = UniqueName("value");
        var first = await ((MusicDistributedSynchronizationProvider)await ProviderAsync(0)).CreateLock(name).AcquireAsync(Patience);
        Assert.Null(await first.GetAsync());
        await first.PutJsonAsync(new[] { 1, 2, 3 });
        var firstFence = first.FencingToken;
        await first.DisposeAsync();

        await using var second = await ((MusicDistributedSynchronizationProvider)await ProviderAsync(2)).CreateLock(name).AcquireAsync(Patience);
        Assert.Equal(new[] { 1, 2, 3 }, await second.GetJsonAsync<int[]>());
        Assert.True(second.FencingToken.Value > firstFence.Value);
        await second.PutStringAsync("next");
        Assert.Equal("next", await second.GetStringAsync());
        await Assert.ThrowsAsync<LockLostException>(() => first.PutStringAsync("too late"));
    }

    /// <summary>A lock held at site 0 and an infinite wait for it at site 1, once the waiter's ticket is queued.</summary>
    private async Task<(IDistributedSynchronizationHandle Held, IMusicClient WaiterClient, string Key, Task<MusicDistributedLockHandle> Waiting)> HoldAndQueueAWaiterAsync(string prefix)
    {
        var name = UniqueName(prefix);
        var held = await (await ProviderAsync(0)).AcquireLockAsync(name, Patience);
        var waiterClient = await ClientAsync(1);
        var key = MusicDistributedSynchronizationProvider.GetKey(name);
        var waiting = new MusicDistributedSynchronizationProvider(waiterClient).CreateLock(name).AcquireAsync().AsTask();
        await EventuallyAsync(async () => (await waiterClient.GetLockQueueAsync(key)).Count == 2, "the waiter is queued");
        return (held, waiterClient, key, waiting);
    }

    /// <summary>The name locks: a second provider cannot take it while held, and can once released.</summary>
    private async Task AssertIsALockAsync(string name)
    {
        var a = await ProviderAsync(0);
        var b = await ProviderAsync(1);
        var handle = await a.AcquireLockAsync(name, Patience);
        Assert.Null(await b.TryAcquireLockAsync(name));
        await handle.DisposeAsync();
        await using var next = await b.TryAcquireLockAsync(name, Patience);
        Assert.NotNull(next);
    }
}
