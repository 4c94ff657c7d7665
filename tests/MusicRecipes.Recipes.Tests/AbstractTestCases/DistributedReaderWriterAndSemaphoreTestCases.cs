using Medallion.Threading;

namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>
/// DistributedLock's reader-writer lock and semaphore contracts (<see cref="IDistributedReaderWriterLockProvider"/>,
/// <see cref="IDistributedSemaphoreProvider"/>) on MUSIC, for any backend: readers share, a writer is alone and is not
/// starved, at most N semaphore holders, what each handle may do with the value, loss on session expiry, bad arguments.
/// </summary>
public abstract class DistributedReaderWriterAndSemaphoreTestCases : RecipeTestBase
{
    private async Task<MusicDistributedSynchronizationProvider> ProviderAsync(int site = 0) =>
        new(await ClientAsync(site));

    [Fact]
    public async Task Read_locks_share_and_the_write_lock_holds_alone()
    {
        var name = UniqueName("rw");
        IDistributedReaderWriterLockProvider first = await ProviderAsync(0), second = await ProviderAsync(1);
        var reader = first.TryAcquireReadLock(name);
        Assert.NotNull(reader);
        await using (var otherReader = await second.TryAcquireReadLockAsync(name))
        {
            Assert.NotNull(otherReader);
            Assert.Null(second.TryAcquireWriteLock(name));
        }

        Assert.Null(await second.TryAcquireWriteLockAsync(name));
        reader.Dispose();
        await using var writer = await second.AcquireWriteLockAsync(name, Patience);
        Assert.Null(first.TryAcquireReadLock(name));
        Assert.Null(first.TryAcquireWriteLock(name));
    }

    [Fact]
    public async Task A_queued_writer_holds_back_later_readers_so_writers_never_starve()
    {
        var name = UniqueName("starve");
        var (readerSite, writerSite, lateSite) = (await ProviderAsync(0), await ProviderAsync(1), await ProviderAsync(2));
        var reader = await readerSite.CreateReaderWriterLock(name).AcquireReadLockAsync(Patience);
        var rw = writerSite.CreateReaderWriterLock(name);
        var writer = rw.AcquireWriteLockAsync(Patience).AsTask();
        var probe = await ClientAsync(0);
        await EventuallyAsync(async () => (await probe.GetLockQueueAsync(rw.Key)).Count == 2, "the writer is queued behind the reader");

        Assert.Null(await lateSite.CreateReaderWriterLock(name).TryAcquireReadLockAsync());
        await reader.DisposeAsync();
        await using var written = await WithinPatience(writer, "the writer holds once the reader left");
        await written.PutStringAsync("v2");
        await written.DisposeAsync();
        await using var late = await lateSite.CreateReaderWriterLock(name).AcquireReadLockAsync(Patience);
        Assert.Equal("v2", await late.GetStringAsync());
    }

    [Fact]
    public async Task A_read_handle_reads_the_value_but_may_not_write_it()
    {
        var name = UniqueName("rw-value");
        var provider = await ProviderAsync();
        await using (var write = await provider.CreateReaderWriterLock(name).AcquireWriteLockAsync(Patience))
        {
            await write.PutStringAsync("list-1");
        }

        await using var read = await (await ProviderAsync(2)).CreateReaderWriterLock(name).AcquireReadLockAsync(Patience);
        Assert.Equal("list-1", await read.GetStringAsync());
        await Assert.ThrowsAsync<LockNotHeldException>(() => read.PutStringAsync("sneaky"));
    }

    [Fact]
    public async Task A_semaphore_admits_at_most_max_count_holders_in_arrival_order()
    {
        var name = UniqueName("sem");
        IDistributedSemaphoreProvider a = await ProviderAsync(0), b = await ProviderAsync(1), c = await ProviderAsync(2);
        var first = a.TryAcquireSemaphore(name, 2);
        await using var second = await b.TryAcquireSemaphoreAsync(name, 2);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(await c.TryAcquireSemaphoreAsync(name, 2));

        var third = c.AcquireSemaphoreAsync(name, 2, Patience).AsTask();
        first.Dispose();
        await using var admitted = await WithinPatience(third, "a permit is free again");
        Assert.Null(a.TryAcquireSemaphore(name, 2));
    }

    [Fact]
    public async Task A_permit_locks_no_value_and_bad_arguments_are_rejected()
    {
        var provider = await ProviderAsync();
        await using var permit = await provider.CreateSemaphore(UniqueName("sem-value"), 3).AcquireAsync(Patience);
        await Assert.ThrowsAsync<LockNotHeldException>(() => permit.GetAsync());
        await Assert.ThrowsAsync<LockNotHeldException>(() => permit.PutStringAsync("x"));

        Assert.Throws<ArgumentOutOfRangeException>(() => provider.CreateSemaphore("s", 0));
        Assert.Throws<ArgumentNullException>(() => provider.CreateSemaphore(null!, 1));
        Assert.Throws<ArgumentNullException>(() => provider.CreateReaderWriterLock(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => provider.CreateSemaphore("s", 2).TryAcquire(TimeSpan.FromSeconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = provider.CreateReaderWriterLock("s").AcquireReadLockAsync(TimeSpan.FromSeconds(-2)); });
    }

    [Fact]
    public async Task A_lock_a_reader_writer_lock_and_a_semaphore_of_one_name_are_distinct_resources()
    {
        var name = UniqueName("same");
        var provider = await ProviderAsync();
        await using var @lock = await provider.CreateLock(name).AcquireAsync(Patience);
        await using var write = await provider.CreateReaderWriterLock(name).TryAcquireWriteLockAsync();
        await using var permit = await provider.CreateSemaphore(name, 1).TryAcquireAsync();
        Assert.NotNull(write);
        Assert.NotNull(permit);
        Assert.Equal(3, new[] { @lock.Key, write.Key, permit.Key }.Distinct().Count());
    }

    [Fact]
    public async Task Read_locks_and_permits_fire_HandleLostToken_on_session_expiry_and_free_their_place()
    {
        var name = UniqueName("rw-lost");
        var doomedClient = await ClientAsync(0);
        var doomed = new MusicDistributedSynchronizationProvider(doomedClient);
        var read = await doomed.CreateReaderWriterLock(name).AcquireReadLockAsync(Patience);
        var permit = await doomed.CreateSemaphore(name, 1).AcquireAsync(Patience);
        var other = await ProviderAsync(1);
        var writer = other.CreateReaderWriterLock(name).AcquireWriteLockAsync(Patience).AsTask();
        var nextPermit = other.CreateSemaphore(name, 1).AcquireAsync(Patience).AsTask();

        await Backend.ExpireSessionAsync(doomedClient);
        await WithinPatience(WhenCancelled(read.HandleLostToken), "the read lock's HandleLostToken fires");
        await WithinPatience(WhenCancelled(permit.HandleLostToken), "the permit's HandleLostToken fires");
        await using var written = await WithinPatience(writer, "the writer holds after the reader's session expired");
        await using var admitted = await WithinPatience(nextPermit, "the next permit holds after the holder's session expired");
        await read.DisposeAsync();
        await permit.DisposeAsync();
    }
}
