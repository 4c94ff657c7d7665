using System.Text;

namespace MusicRecipes.InMemory.Tests;

/// <summary>
/// A critical read of a key whose newest acknowledged write the hold knows reads the local replica and takes its value
/// only if it carries exactly that write's timestamp; otherwise it reads a quorum. These tests make the local replica
/// stale in each way it can be and require the latest value every time — and show the shortcut saves the quorum round
/// trip when the replica is current.
/// </summary>
public sealed class LocalCriticalReadTests : IAsyncLifetime
{
    private readonly InMemoryMusicCluster _cluster = new(sites: 3, new InMemoryClusterOptions { ReplicaTimeout = TimeSpan.FromMilliseconds(300) });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_current_local_replica_answers_without_a_quorum_round_trip()
    {
        await WriteCleanlyAsync(site: 0, "k", "v1");
        await _cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(5));
        await using var reader = _cluster.CreateClient(1);
        var lockRef = await reader.CreateLockRefAsync(["k"]);
        Assert.True(await reader.AcquireLockAsync(lockRef));
        var before = _cluster.InterSiteRoundTrips;
        Assert.Equal("v1", await reader.CriticalGetStringAsync(lockRef, "k"));
        Assert.Equal(before, _cluster.InterSiteRoundTrips);

        // Its own write next: the local replica has it, so the read after it is local too.
        await reader.CriticalPutStringAsync(lockRef, "k", "v2");
        var afterPut = _cluster.InterSiteRoundTrips;
        Assert.Equal("v2", await reader.CriticalGetStringAsync(lockRef, "k"));
        Assert.Equal(afterPut, _cluster.InterSiteRoundTrips);
        await reader.ReleaseLockAsync(lockRef);
    }

    [Fact]
    public async Task A_local_replica_that_missed_the_last_write_is_not_trusted()
    {
        await WriteCleanlyAsync(site: 0, "k", "v1");
        await _cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(5));
        _cluster.DropWrites(2);
        await WriteCleanlyAsync(site: 0, "k", "v2"); // acknowledged by sites 0 and 1; site 2 still has v1
        Assert.Equal("v1", Encoding.UTF8.GetString(_cluster.ReadReplica(2, "k")!.Value!));

        await using var reader = _cluster.CreateClient(2);
        var lockRef = await reader.CreateLockRefAsync(["k"]);
        Assert.True(await reader.AcquireLockAsync(lockRef));
        Assert.Equal("v2", await reader.CriticalGetStringAsync(lockRef, "k"));
        await reader.ReleaseLockAsync(lockRef);
        _cluster.DropWrites(2, drop: false);
    }

    [Fact]
    public async Task A_local_replica_that_missed_its_own_holders_write_is_not_trusted()
    {
        await WriteCleanlyAsync(site: 0, "k", "v1");
        await _cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(5));
        await using var holder = _cluster.CreateClient(2);
        var lockRef = await holder.CreateLockRefAsync(["k"]);
        Assert.True(await holder.AcquireLockAsync(lockRef));
        _cluster.DropWrites(2);
        await holder.CriticalPutStringAsync(lockRef, "k", "v2"); // a quorum of sites 0 and 1, not the local one
        Assert.Equal("v2", await holder.CriticalGetStringAsync(lockRef, "k"));
        _cluster.DropWrites(2, drop: false);
        await holder.ReleaseLockAsync(lockRef);
    }

    [Fact]
    public async Task After_a_partial_write_the_next_holder_reads_one_stable_value_everywhere()
    {
        await WriteCleanlyAsync(site: 0, "k", "v1");
        await _cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(5));
        await using (var failing = _cluster.CreateClient(0))
        {
            var held = await failing.CreateLockRefAsync(["k"]);
            Assert.True(await failing.AcquireLockAsync(held));
            _cluster.FailNextCriticalWrite(0, replicas: 1);
            await Assert.ThrowsAsync<MusicTimeoutException>(() => failing.CriticalPutStringAsync(held, "k", "partial"));
            await failing.ReleaseLockAsync(held);
        }

        var seen = new List<string?>();
        foreach (var site in new[] { 0, 1, 2, 0 })
        {
            await using var reader = _cluster.CreateClient(site);
            var lockRef = await reader.CreateLockRefAsync(["k"]);
            Assert.True(await reader.AcquireLockAsync(lockRef));
            seen.Add(await reader.CriticalGetStringAsync(lockRef, "k"));
            await reader.ReleaseLockAsync(lockRef);
        }

        Assert.Single(seen.Distinct());
    }

    private async Task WriteCleanlyAsync(int site, string key, string value)
    {
        await using var writer = _cluster.CreateClient(site);
        var lockRef = await writer.CreateLockRefAsync([key]);
        Assert.True(await writer.AcquireLockAsync(lockRef));
        await writer.CriticalPutStringAsync(lockRef, key, value);
        await writer.ReleaseLockAsync(lockRef);
    }
}
