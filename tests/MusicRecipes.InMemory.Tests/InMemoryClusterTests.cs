using System.Text;
using MusicRecipes.Storage;

namespace MusicRecipes.InMemory.Tests;

/// <summary>The simulation itself: sites, replication, partitions, faults and round-trip accounting.</summary>
public sealed class InMemoryClusterTests : IAsyncLifetime
{
    private readonly InMemoryMusicCluster _cluster = new(sites: 3, new InMemoryClusterOptions { ReplicaTimeout = TimeSpan.FromMilliseconds(200) });

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Eventual_operations_cost_no_inter_site_round_trip_and_critical_ones_one_each()
    {
        await using var client = _cluster.CreateClient(0);
        var before = _cluster.InterSiteRoundTrips;
        await client.PutAsync("k", Bytes("v"));
        await client.GetAsync("k");
        Assert.Equal(before, _cluster.InterSiteRoundTrips);

        var lockRef = await client.CreateLockRefAsync(["k"]);
        Assert.True(await client.AcquireLockAsync(lockRef));
        var afterAcquire = _cluster.InterSiteRoundTrips;
        for (var i = 0; i < 5; i++)
        {
            await client.CriticalPutAsync(lockRef, "k", Bytes($"v{i}"));
        }

        Assert.Equal(afterAcquire + 5, _cluster.InterSiteRoundTrips);
        await client.ReleaseLockAsync(lockRef);
    }

    [Fact]
    public async Task A_cut_off_site_keeps_eventual_operations_and_catches_up_after_the_heal()
    {
        await using var cut = _cluster.CreateClient(2);
        await using var main = _cluster.CreateClient(0);
        _cluster.CutOff(2);

        await cut.PutAsync("note", Bytes("written while cut off"));
        await Assert.ThrowsAsync<MusicUnavailableException>(() => cut.CreateLockRefAsync(["x"]));
        await main.PutAsync("news", Bytes("written at site 0"));
        await _cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }); // hints wait for the heal
        Assert.Null(_cluster.ReadReplica(2, "news"));

        _cluster.Heal(2);
        await _cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("written at site 0", Encoding.UTF8.GetString(_cluster.ReadReplica(2, "news")!.Value!));
        Assert.Equal("written while cut off", Encoding.UTF8.GetString(_cluster.ReadReplica(0, "note")!.Value!));
    }

    [Fact]
    public async Task A_quorum_write_fails_fast_when_a_majority_is_out_of_reach()
    {
        var data = _cluster.CreateDataStore(0);
        _cluster.CutOff(0);
        await Assert.ThrowsAsync<MusicUnavailableException>(() => data.WriteAsync("k", Bytes("v"), 1L << 32, DataConsistency.Quorum, CancellationToken.None));
        Assert.Null(_cluster.ReadReplica(0, "k"));
    }

    [Fact]
    public async Task Replicas_that_drop_writes_turn_a_quorum_write_into_a_timeout_that_may_have_landed_locally()
    {
        var data = _cluster.CreateDataStore(0);
        _cluster.DropWrites(1);
        _cluster.DropWrites(2);
        await Assert.ThrowsAsync<MusicTimeoutException>(() => data.WriteAsync("k", Bytes("v"), 1L << 32, DataConsistency.Quorum, CancellationToken.None));
        Assert.NotNull(_cluster.ReadReplica(0, "k"));
        Assert.Null(_cluster.ReadReplica(1, "k"));
    }

    [Fact]
    public async Task A_delayed_replica_does_not_hold_up_a_quorum_and_converges_later()
    {
        var data = _cluster.CreateDataStore(0);
        _cluster.DelayWrites(2, TimeSpan.FromMilliseconds(100));
        await data.WriteAsync("k", Bytes("v"), 1L << 32, DataConsistency.Quorum, CancellationToken.None);
        Assert.Null(_cluster.ReadReplica(2, "k"));
        await _cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(_cluster.ReadReplica(2, "k"));
    }

    [Fact]
    public async Task The_newest_timestamp_wins_whatever_order_writes_arrive_in()
    {
        var data = _cluster.CreateDataStore(1);
        await data.WriteAsync("k", Bytes("newer"), 5L << 32, DataConsistency.Quorum, CancellationToken.None);
        await data.WriteAsync("k", Bytes("older"), 4L << 32, DataConsistency.Quorum, CancellationToken.None);
        Assert.Equal("newer", Encoding.UTF8.GetString((await data.ReadAsync("k", DataConsistency.Quorum, CancellationToken.None))!.Value!));

        await data.WriteAsync("k", null, 6L << 32, DataConsistency.Quorum, CancellationToken.None);
        Assert.Null((await data.ReadAsync("k", DataConsistency.Quorum, CancellationToken.None))?.Value);
    }

    [Fact]
    public async Task A_crashed_client_keeps_its_lock_until_its_session_expires()
    {
        // 2 s, not 500 ms: the waiter's own session must outlive a starved thread pool (a CI run of 2026-12-02 lost it).
        await using var cluster = new InMemoryMusicCluster(3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromSeconds(2) });
        await using var crashing = cluster.CreateClient(0);
        await using var waiter = cluster.CreateClient(1);
        var held = await crashing.CreateLockRefAsync(["job"]);
        Assert.True(await crashing.AcquireLockAsync(held));
        cluster.Crash(crashing);
        await Assert.ThrowsAsync<MusicUnavailableException>(() => crashing.CriticalGetAsync(held, "job"));

        var waiting = await waiter.CreateLockRefAsync(["job"]);
        Assert.False(await waiter.AcquireLockAsync(waiting));
        await waiter.WaitForLockAsync(waiting, TimeSpan.FromSeconds(10));
        Assert.True(waiting.IsHeld);
    }

    [Fact]
    public async Task Latency_is_paid_per_inter_site_round_trip()
    {
        await using var cluster = new InMemoryMusicCluster(3, new InMemoryClusterOptions { InterSiteLatency = TimeSpan.FromMilliseconds(30) });
        await using var client = cluster.CreateClient(0);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await client.PutAsync("k", Bytes("v"));
        var eventual = started.Elapsed;
        started.Restart();
        var lockRef = await client.CreateLockRefAsync(["k"]);
        var enqueue = started.Elapsed;
        Assert.True(enqueue >= TimeSpan.FromMilliseconds(25), $"a lock-service call crosses sites: {enqueue}");
        Assert.True(eventual < enqueue, $"an eventual put stays local: {eventual} vs {enqueue}");
        await client.ReleaseLockAsync(lockRef);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryMusicCluster(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _cluster.CreateClient(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => _cluster.CutOff(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _cluster.FailNextCriticalWrite(0, replicas: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryMusicCluster(3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.Zero }));
    }
}
