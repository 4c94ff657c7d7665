using MusicRecipes.Testing;
using System.Diagnostics;
using MusicRecipes.Testing.Network;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;
using MusicRecipes.Cql;
using MusicRecipes.Locking;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Cassandra.Tests.Stores;

/// <summary>What only the Cassandra store does (lease rows, dead-session removal); the rest is <see cref="CassandraLockStoreConformanceTests"/>.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLockStoreTests(CassandraClusterFixture fixture) : IAsyncLifetime
{
    private readonly List<CassandraLockStore> _stores = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    private CassandraLockStore NewStore(TimeSpan? sessionTimeout = null)
    {
        var store = new CassandraLockStore(fixture.Session, new CassandraLockStoreOptions
        {
            Keyspace = "lock_tests",
            SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
        });
        _stores.Add(store);
        return store;
    }

    private static string Key() => $"k{Guid.NewGuid():N}";

    [Fact]
    public async Task A_store_whose_first_call_finds_no_node_throws_a_coordination_failure_not_a_cql_error()
    {
        // A worker's first lock attempt at a site that was cut off: the store prepares its statements on first use, and
        // a CQL "no host available" leaked out of EnqueueAsync instead of MusicUnavailableException (CI run 19: a work
        // queue worker, which retries coordination failures, died of it).
        var setUp = NewStore(); // the tables exist (the store under test must not create them: that step is guarded)
        await setUp.ReleaseAsync(await setUp.EnqueueAsync([Key()], TicketMode.Exclusive, default), clean: null, default);
        await using var link = TcpFaultProxy.Start(fixture.Cluster.EndPointOf(1));
        await using var session = await fixture.NewSessionThroughAsync(link);
        await using var store = new CassandraLockStore(session, new CassandraLockStoreOptions { Keyspace = "lock_tests", CreateSchema = false }); // disposed before its session
        link.Cut();

        var error = await Record.ExceptionAsync(() => store.EnqueueAsync([Key()], TicketMode.Exclusive, default).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.True(error is MusicUnavailableException or MusicTimeoutException, $"expected a coordination failure, got {error}");
        link.Heal();
        var ticket = await store.EnqueueAsync([Key()], TicketMode.Exclusive, default).WaitAsync(TimeSpan.FromSeconds(60)); // prepares again once healed
        await store.ReleaseAsync(ticket, clean: null, default);
    }

    [Fact]
    public async Task A_leftover_row_of_the_ticket_itself_ahead_of_its_place_is_removed_instead_of_waited_for()
    {
        // What a Paxos round with an unknown outcome leaves when a later round completes it after the enqueue had moved
        // on to a higher ordinal (a CI run deadlocked this way: a ticket listed twice in one queue waited for itself).
        var key = Key();
        var store = NewStore();
        var other = NewStore();
        var ticket = await store.EnqueueAsync(new[] { key }, TicketMode.Exclusive, default);
        var behind = await other.EnqueueAsync(new[] { key }, TicketMode.Exclusive, default);
        var leftoverOrdinal = ticket.Positions[0].Ordinal - 1;
        await fixture.Session.ExecuteAsync(new CqlQuery(
            $"INSERT INTO lock_tests.music_lock_queue (key, ordinal, ticket_id, session_id, keys) VALUES (?, ?, ?, ?, ?)",
            key, leftoverOrdinal, ticket.Id, ticket.SessionId, new List<string> { key }) { Consistency = CqlConsistency.Quorum });
        Assert.Equal(2, (await store.ReadQueueAsync(key, default)).Count(e => e.TicketId == ticket.Id));

        Assert.Equal(HeadStatus.Head, (await store.CheckHeadAsync(ticket, default)).Status);
        Assert.Equal([ticket.Id, behind.Id], (await other.ReadQueueAsync(key, default)).Select(e => e.TicketId));

        await store.ReleaseAsync(ticket, clean: null, default);
        Assert.Equal(HeadStatus.Head, (await other.CheckHeadAsync(behind, default)).Status);
    }

    [Fact]
    public async Task An_expired_session_loses_its_tickets_and_is_removed_by_whoever_finds_it_at_the_head()
    {
        var key = Key();
        var dying = NewStore(TimeSpan.FromSeconds(3));
        var survivor = NewStore();
        var ticket = await dying.EnqueueAsync(new[] { key }, TicketMode.Exclusive, default);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ticket.LostToken.Register(() => lost.TrySetResult());
        var next = await survivor.EnqueueAsync(new[] { key }, TicketMode.Exclusive, default);
        Assert.Equal(HeadStatus.Waiting, (await survivor.CheckHeadAsync(next, default)).Status);

        // Expire it as the lease would: its row disappears.
        await CassandraLockStoreTestBackend.ExpireSessionAsync(fixture.Session, dying);

        var watch = Stopwatch.StartNew();
        while ((await survivor.CheckHeadAsync(next, default)).Status != HeadStatus.Head)
        {
            // A session seen alive is trusted for up to a second before it is read again.
            await survivor.WaitForChangeAsync(next, default).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the dead session's ticket was not removed");
        }

        Assert.DoesNotContain(await survivor.ReadQueueAsync(key, default), e => e.TicketId == ticket.Id);
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(LockLossReason.SessionExpired, ticket.LossReason);
        Assert.Equal(LockSessionState.Lost, dying.SessionState);
        Assert.Equal(KeyLockState.Empty, (await survivor.GetKeyStateAsync(key, default)).State);

        // A new session replaces the expired one on the next call.
        var again = await dying.EnqueueAsync(new[] { Key() }, TicketMode.Exclusive, default);
        Assert.NotEqual(ticket.SessionId, again.SessionId);
        Assert.Equal(LockSessionState.Connected, dying.SessionState);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_session_that_stops_heartbeating_is_detected_by_waiters_after_its_lease()
    {
        // A crashed client: its one link is cut after it queued, so it renews nothing and removes nothing.
        var key = Key();
        await using var link = TcpFaultProxy.Start(fixture.Cluster.EndPointOf(1));
        await using var crashedSession = await fixture.NewSessionThroughAsync(link);
        var crashed = new CassandraLockStore(crashedSession, new CassandraLockStoreOptions
        {
            Keyspace = "lock_tests",
            SessionTimeout = TimeSpan.FromSeconds(2),
            HeartbeatInterval = TimeSpan.FromHours(1),
        });
        await crashed.EnqueueAsync(new[] { key }, TicketMode.Exclusive, default);
        link.Cut();
        var waiterStore = NewStore();
        var waiter = await waiterStore.EnqueueAsync(new[] { key }, TicketMode.Exclusive, default);

        var watch = Stopwatch.StartNew();
        while ((await waiterStore.CheckHeadAsync(waiter, default)).Status != HeadStatus.Head)
        {
            await waiterStore.WaitForChangeAsync(waiter, default).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20));
        }

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        await crashed.DisposeAsync();
    }

    [Fact]
    public async Task A_client_that_lost_its_session_takes_its_tickets_out_of_the_queues_itself()
    {
        // The lease ends (no renewal is sent) while the client is alive; nobody waits on the key, so nobody would evict
        // the ticket: the client removes its own rows once it has told the ticket it is lost (OrphanRowSweeper).
        var key = Key();
        var store = new CassandraLockStore(fixture.Session, new CassandraLockStoreOptions
        {
            Keyspace = "lock_tests",
            SessionTimeout = TimeSpan.FromSeconds(2),
            HeartbeatInterval = TimeSpan.FromHours(1),
        });
        _stores.Add(store);
        var ticket = await store.EnqueueAsync(new[] { key }, TicketMode.Exclusive, default);
        await Task.Delay(Timeout.Infinite, ticket.LostToken).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(20));
        var observer = NewStore();
        var watch = Stopwatch.StartNew();
        while ((await observer.ReadQueueAsync(key, default)).Count != 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the lost ticket's row is still queued");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_lock_table_created_before_the_last_write_column_is_upgraded_on_first_use()
    {
        var keyspace = "lock_upgrade_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Session.ExecuteAsync(new CqlQuery($"CREATE KEYSPACE {keyspace} WITH replication = {CassandraReplication.Simple(3)}"));
        await fixture.Session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(30), default);
        await fixture.Session.ExecuteAsync(new CqlQuery(
            $"CREATE TABLE {keyspace}.music_lock_queue (key text, ordinal bigint, ticket_id text, session_id text, keys list<text>, " +
            "max_ordinal bigint static, last_acquired bigint static, last_acquired_at timestamp static, last_clean_release bigint static, " +
            "PRIMARY KEY (key, ordinal)) WITH CLUSTERING ORDER BY (ordinal ASC)"));
        await fixture.Session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(30), default);

        var store = new CassandraLockStore(fixture.Session, new CassandraLockStoreOptions { Keyspace = keyspace });
        _stores.Add(store);
        var ticket = await store.EnqueueAsync(new[] { "k" }, TicketMode.Exclusive, default);
        var head = await store.CheckHeadAsync(ticket, default);
        Assert.Equal(RecordResult.Recorded, await store.TryRecordAcquiredAsync(ticket, ticket.Positions[0], head.KeyStates![0], default));
        await store.ReleaseAsync(ticket, new CleanRelease([FencingTimestamp.ForCriticalWrite(ticket.Positions[0].Ordinal, 3)]), default);
        var state = (await store.GetKeyStateAsync("k", default)).State;
        Assert.Equal(ticket.Positions[0].Ordinal, state.LastCleanRelease);
        Assert.Equal(FencingTimestamp.ForCriticalWrite(ticket.Positions[0].Ordinal, 3), state.LastWrite);
    }
}

/// <summary>The lock-store obligations on Cassandra lightweight transactions: each store its own lease-row session.</summary>
[Collection(CassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLockStoreConformanceTests(CassandraClusterFixture fixture) : LockStoreConformanceTests
{
    /// <summary>Expiry as the lease would: the session's row disappears; the owner's next heartbeat finds it gone.</summary>
    protected override IMusicTestBackend Backend { get; } = CassandraLockStoreTestBackend.Create("Cassandra LWT lock store", () => Task.FromResult(fixture.Session), "lock_tests");
}
