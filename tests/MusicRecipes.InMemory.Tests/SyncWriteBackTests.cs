using System.Collections.Concurrent;
using System.Text;
using MusicRecipes.Storage;

namespace MusicRecipes.InMemory.Tests;

/// <summary>
/// The sync step of acquire (rule 3 of docs/design.md) writes the key back with the new holder's fencing timestamp.
/// When a write-back fails and the acquire is tried again, the second write-back may carry a different value (its
/// quorum read may meet a partial write the first one missed); both may land on some replicas. Equal timestamps would
/// leave Cassandra to pick between them by comparing values, so every write-back attempt must take a timestamp of its
/// own, later than the one before.
/// </summary>
public sealed class SyncWriteBackTests : IAsyncLifetime
{
    private readonly InMemoryMusicCluster _cluster = new(sites: 3, new InMemoryClusterOptions { ReplicaTimeout = TimeSpan.FromMilliseconds(300) });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Each_sync_write_back_attempt_takes_a_fresh_later_timestamp()
    {
        const string key = "synced";
        await using (var previous = _cluster.CreateClient(0))
        {
            var held = await previous.CreateLockRefAsync([key]);
            Assert.True(await previous.AcquireLockAsync(held));
            await previous.CriticalPutAsync(held, key, Encoding.UTF8.GetBytes("v1"));
            _cluster.FailNextCriticalWrite(0, replicas: 1);
            await Assert.ThrowsAsync<MusicTimeoutException>(() => previous.CriticalPutAsync(held, key, Encoding.UTF8.GetBytes("v2")));
            await previous.ReleaseLockAsync(held); // unclean: the next holder must sync
        }

        var data = new FailingFirstQuorumWrite(_cluster.CreateDataStore(1));
        await using var next = new MusicClient(data, _cluster.CreateLockStore(1));
        var lockRef = await next.CreateLockRefAsync([key]);
        await Assert.ThrowsAsync<MusicTimeoutException>(() => next.AcquireLockAsync(lockRef));
        Assert.True(await next.AcquireLockAsync(lockRef));

        var writeBacks = data.QuorumWrites.Where(w => w.Key == key).Select(w => w.Timestamp).ToArray();
        Assert.Equal(2, writeBacks.Length);
        Assert.True(writeBacks[1] > writeBacks[0], $"The second write-back reused timestamp {writeBacks[0]:x}.");
        Assert.All(writeBacks, t => Assert.Equal(lockRef.FencingToken.Value, FencingTimestamp.OrdinalOf(t)));

        // Puts of the hold come after the write-backs.
        await next.CriticalPutAsync(lockRef, key, Encoding.UTF8.GetBytes("v3"));
        Assert.True(data.QuorumWrites.Last().Timestamp > writeBacks[1]);
        await next.ReleaseLockAsync(lockRef);
    }

    /// <summary>A data store whose first QUORUM write fails before it is sent; it records every QUORUM write attempted.</summary>
    private sealed class FailingFirstQuorumWrite(IDataStore inner) : IDataStore
    {
        private int _quorumWrites;

        public ConcurrentQueue<(string Key, long Timestamp)> QuorumWrites { get; } = new();

        public string Site => inner.Site;

        public int MaxValueBytes => inner.MaxValueBytes;

        public Task<StoredValue?> ReadAsync(string key, DataConsistency consistency, CancellationToken cancellationToken) =>
            inner.ReadAsync(key, consistency, cancellationToken);

        public Task WriteAsync(string key, byte[]? value, long timestamp, DataConsistency consistency, CancellationToken cancellationToken)
        {
            if (consistency == DataConsistency.Quorum)
            {
                QuorumWrites.Enqueue((key, timestamp));
                if (Interlocked.Increment(ref _quorumWrites) == 1)
                {
                    throw new MusicTimeoutException("Injected: the write-back timed out.");
                }
            }

            return inner.WriteAsync(key, value, timestamp, consistency, cancellationToken);
        }
    }
}
