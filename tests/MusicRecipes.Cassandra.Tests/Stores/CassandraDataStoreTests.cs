using MusicRecipes.Testing;
using System.Diagnostics;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;
using MusicRecipes.Storage;

namespace MusicRecipes.Cassandra.Tests.Stores;

[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraDataStoreTests(CassandraClusterFixture fixture)
{
    private static readonly CassandraDataStoreOptions Options = new() { Keyspace = "data_tests", Table = "values_v1" };

    private static string Key() => $"key-{Guid.NewGuid():N}";

    [Fact]
    public async Task The_larger_timestamp_wins_whatever_the_order_of_arrival()
    {
        var store = await CassandraDataStore.CreateAsync(fixture.Session, Options);
        var (first, second) = (Key(), Key());
        await store.WriteAsync(first, "new"u8.ToArray(), 200, DataConsistency.Quorum, default);
        await store.WriteAsync(first, "old"u8.ToArray(), 100, DataConsistency.Quorum, default);
        await store.WriteAsync(second, "old"u8.ToArray(), 100, DataConsistency.Quorum, default);
        await store.WriteAsync(second, "new"u8.ToArray(), 200, DataConsistency.Quorum, default);

        foreach (var key in new[] { first, second })
        {
            var stored = await store.ReadAsync(key, DataConsistency.Quorum, default);
            Assert.Equal("new"u8.ToArray(), stored!.Value);
            Assert.Equal(200, stored.Timestamp);
        }
    }

    [Fact]
    public async Task A_null_value_is_a_tombstone_that_obeys_timestamps_too()
    {
        var store = await CassandraDataStore.CreateAsync(fixture.Session, Options);
        var key = Key();
        await store.WriteAsync(key, "v1"u8.ToArray(), FencingTimestamp.ForCriticalWrite(1, 1), DataConsistency.Quorum, default);
        await store.WriteAsync(key, null, FencingTimestamp.ForCriticalWrite(2, 1), DataConsistency.Quorum, default);
        Assert.Null(await store.ReadAsync(key, DataConsistency.Quorum, default));

        // A late write of the earlier holder cannot resurrect the value…
        await store.WriteAsync(key, "late"u8.ToArray(), FencingTimestamp.ForCriticalWrite(1, 2), DataConsistency.Quorum, default);
        Assert.Null(await store.ReadAsync(key, DataConsistency.Quorum, default));

        // …but a later holder can write again, and an eventual write always loses to a critical one.
        await store.WriteAsync(key, "v3"u8.ToArray(), FencingTimestamp.ForCriticalWrite(3, 1), DataConsistency.Quorum, default);
        await store.WriteAsync(key, "eventual"u8.ToArray(), FencingTimestamp.ForEventualWrite(DateTimeOffset.UtcNow), DataConsistency.One, default);
        var stored = await store.ReadAsync(key, DataConsistency.Quorum, default);
        Assert.Equal("v3"u8.ToArray(), stored!.Value);
        Assert.Equal(FencingTimestamp.ForCriticalWrite(3, 1), stored.Timestamp);
    }

    [Fact]
    public async Task Reports_the_local_data_centre_as_site_and_validates_input()
    {
        var store = new CassandraDataStore(fixture.Session, Options);
        Assert.Equal("datacenter1", store.Site);
        Assert.Null(await store.ReadAsync(Key(), DataConsistency.One, default));
        await Assert.ThrowsAsync<ValueTooLargeException>(() => store.WriteAsync(Key(), new byte[store.MaxValueBytes + 1], 1, DataConsistency.Quorum, default));
        Assert.Throws<ArgumentException>(() => new CassandraDataStore(fixture.Session, new CassandraDataStoreOptions { Keyspace = "bad-name; DROP" }));
        Assert.Throws<ArgumentException>(() => new CassandraDataStore(fixture.Session, new CassandraDataStoreOptions { Table = "9starts_with_digit" }));

        var key = "quote ' and \" and ; -- are just bytes of a bound key";
        await store.WriteAsync(key, "x"u8.ToArray(), 5, DataConsistency.Quorum, default);
        Assert.Equal("x"u8.ToArray(), (await store.ReadAsync(key, DataConsistency.Quorum, default))!.Value);
    }

    [Fact]
    public async Task With_two_of_three_replicas_frozen_one_works_and_quorum_fails_with_a_music_error()
    {
        await using var session = await fixture.NewSessionAsync();
        var store = await CassandraDataStore.CreateAsync(session, Options);
        var key = Key();
        await store.WriteAsync(key, "before"u8.ToArray(), 10, DataConsistency.Quorum, default);
        try
        {
            await fixture.Cluster.PauseAsync(2);
            await fixture.Cluster.PauseAsync(3);
            var watch = Stopwatch.StartNew();
            while (session.Hosts.Count(h => h.IsUp) > 1)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "heartbeats did not mark the frozen nodes down");
                await Task.Delay(100);
            }

            await store.WriteAsync(key, "one"u8.ToArray(), 20, DataConsistency.One, default);
            Assert.Equal("one"u8.ToArray(), (await ReadOneUntilGossipConvictsAsync(store, key))!.Value);
            var error = await Assert.ThrowsAnyAsync<MusicException>(() => store.WriteAsync(key, "quorum"u8.ToArray(), 30, DataConsistency.Quorum, default));
            Assert.True(error is MusicTimeoutException or MusicUnavailableException, error.GetType().Name);
            Assert.IsAssignableFrom<CqlException>(error.InnerException);
            var readError = await Assert.ThrowsAnyAsync<MusicException>(() => store.ReadAsync(key, DataConsistency.Quorum, default));
            Assert.True(readError is MusicTimeoutException or MusicUnavailableException, readError.GetType().Name);
        }
        finally
        {
            await fixture.Cluster.EnsureAllUpAsync();
        }
    }

    private static async Task<StoredValue?> ReadOneUntilGossipConvictsAsync(CassandraDataStore store, string key)
    {
        // The coordinator may send a ONE read to a frozen replica until gossip convicts it; the client cannot steer it.
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await store.ReadAsync(key, DataConsistency.One, default);
            }
            catch (MusicTimeoutException) when (watch.Elapsed < TimeSpan.FromSeconds(40))
            {
                await Task.Delay(200);
            }
        }
    }
}
