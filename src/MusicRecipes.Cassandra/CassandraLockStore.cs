using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Cql;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>
/// The CP half of MUSIC on Cassandra lightweight transactions (Paxos), in the spirit of ONAP MUSIC's lock queue
/// but keeping the rules of docs/design.md.
/// </summary>
/// <remarks>
/// <para>
/// <b>Queues.</b> Each key is one partition: a static high-water mark <c>max_ordinal</c> (never reset, never
/// decreasing) and one row per ticket clustered by ordinal. A ticket enters a queue with one conditional batch on
/// that partition: "set max_ordinal = o and insert row o IF max_ordinal = (what I read)". So a queue only ever
/// receives ordinals larger than any it has seen: nobody can slip in ahead of an existing ticket, and per-key
/// ordinals strictly increase (rule 2's fencing timestamps rely on it).
/// </para>
/// <para>
/// <b>Multi-key tickets (rule 4).</b> LWT is per partition, so entering several queues cannot be one transaction.
/// Instead a ticket uses the SAME ordinal in all its queues, chosen above every key's high-water mark (read at
/// SERIAL): o = 1 + max(max_ordinal of its keys). If any queue has meanwhile moved past o, the ticket leaves the
/// queues it entered and retries with a larger o. Consequently, in every queue tickets are ordered by one global
/// number, so two tickets sharing keys are ordered the same way everywhere and waits-for edges always point to
/// smaller ordinals: no deadlock. A ticket is head when no row with a smaller ordinal exists in any of its
/// queues, read at SERIAL (rule 1). This avoids a single global counter partition, whose Paxos contention would
/// serialise every enqueue of the cluster.
/// </para>
/// <para>
/// <b>Key state (rule 3).</b> Static columns <c>last_acquired</c>, <c>last_acquired_at</c>,
/// <c>last_clean_release</c>, written only by LWT; a clean release is <c>UPDATE … IF last_acquired = o</c>.
/// An acquisition is recorded by one conditional batch on the key's partition — the state <c>IF last_acquired =</c>
/// (what was read) and the ticket's own row <c>IF ticket_id =</c> (its id) — so a ticket removed while its owner was
/// paused can never record (rule 6). A forced removal deletes rows and records nothing, so the key stays unsynced.
/// </para>
/// <para>
/// <b>Sessions and waiting.</b> Sessions are TTL lease rows renewed by a heartbeat (<see cref="LockSession"/>).
/// Whoever finds a ticket of a dead session at the head of a queue removes it (forced removal). Cassandra has no
/// watches, so <see cref="WaitForChangeAsync"/> polls the predecessors at QUORUM with a short exponential backoff
/// (20-250 ms by default) — the one place this backend cannot follow rule 5's event-driven wait.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var session = await CqlSession.ConnectAsync(new CqlSessionOptions { ContactPoints = { "10.0.0.1" } }, ct);
/// var locks = new CassandraLockStore(session, new CassandraLockStoreOptions { Keyspace = "music" });
/// await using var client = new MusicClient(new CassandraDataStore(session), locks);
/// </code>
/// </example>
public sealed class CassandraLockStore : ILockStore, ILockSessionEvents
{
    private readonly CassandraLockStoreOptions _options;
    private readonly CassandraLockTables _tables;
    private readonly LockSession _session;
    private readonly OrphanRowSweeper _orphans;
    private readonly CassandraTicketEnqueuer _enqueuer;
    private readonly CassandraQueueReader _queues;
    private readonly CassandraKeyStateStore _keyStates;
    private readonly CassandraTicketRemover _remover;
    private int _disposed;

    /// <summary>Creates the store; the schema is created (if allowed) and the session opened on first use.</summary>
    public CassandraLockStore(CqlSession session, CassandraLockStoreOptions? options = null, ILogger<CassandraLockStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        _options = options ?? new CassandraLockStoreOptions();
        var keyspace = CassandraIdentifier.Validate(_options.Keyspace, nameof(options));
        var prefix = CassandraIdentifier.Validate(_options.TablePrefix, nameof(options));
        if (prefix.Length > 38)
        {
            throw new ArgumentException("TablePrefix is limited to 38 characters (table names are limited to 48).", nameof(options));
        }

        if (_options.SessionTtlSeconds < 2)
        {
            throw new ArgumentException("SessionTimeout must be at least 2 s: the session row's TTL counts whole seconds and may end up to one second early.", nameof(options));
        }

        if (_options.SerialConsistency is not (CqlConsistency.Serial or CqlConsistency.LocalSerial))
        {
            throw new ArgumentException("SerialConsistency must be SERIAL or LOCAL_SERIAL.", nameof(options));
        }

        var log = (ILogger?)logger ?? NullLogger.Instance;
        var lwt = new LwtRunner(session, _options.SerialConsistency);
        _tables = new CassandraLockTables(session, _options, keyspace, prefix, log);
        _session = new LockSession(session, _tables.StatementsAsync, lwt, _options, log);
        _remover = new CassandraTicketRemover(_tables, lwt, _session, log);
        _orphans = new OrphanRowSweeper(_remover.RemoveOrphanAsync, _options.Heartbeat, log);
        var verifier = new CassandraTicketVerifier(_tables, lwt, _session, _remover, _orphans, log);
        _session.VerifyTickets = verifier.VerifyTicketsAsync;
        _session.TicketsLost = _orphans.AddLost;
        _enqueuer = new CassandraTicketEnqueuer(_tables, lwt, _session, _remover, _orphans);
        var eviction = new CassandraBlockerEviction(_session, _remover, _options, log);
        _queues = new CassandraQueueReader(_tables, lwt, _session, _remover, eviction, _options, log);
        _keyStates = new CassandraKeyStateStore(_tables, lwt, _options);
    }

    /// <summary>The current lock-service session id, or null before the first ticket.</summary>
    public string? SessionId => _session.Id;

    /// <summary>The keyspace of the lock tables.</summary>
    public string Keyspace => _tables.Keyspace;

    /// <summary>The table holding the lease rows of sessions (tests delete a row to expire a session).</summary>
    public string SessionTable => _tables.SessionTable;

    /// <inheritdoc />
    public LockSessionState SessionState => _session.State;

    /// <summary>Raised after <see cref="SessionState"/> changed (session opened, heartbeat missed or renewed again, lost, closed).</summary>
    public event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged
    {
        add => _session.Events.Changed += value;
        remove => _session.Events.Changed -= value;
    }

    /// <inheritdoc />
    public DateTimeOffset UtcNow => _options.TimeProvider.GetUtcNow();

    /// <inheritdoc />
    public Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, TicketMode mode, CancellationToken cancellationToken) =>
        _enqueuer.EnqueueAsync(keys, mode, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One SERIAL read per key (rule 1), which returns the key states in the same linearizable read.</remarks>
    public Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken) =>
        _queues.CheckHeadAsync(ticket, cancellationToken);

    /// <inheritdoc />
    public Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken) =>
        _queues.WaitForChangeAsync(ticket, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The version is the last acquired ordinal (see <see cref="TryRecordAcquiredAsync"/>).</remarks>
    public Task<VersionedKeyState> GetKeyStateAsync(string key, CancellationToken cancellationToken) =>
        _keyStates.GetKeyStateAsync(key, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One Paxos round on the key's partition: a batch of <c>IF last_acquired = (what was read)</c> on the static state
    /// and <c>IF ticket_id = (ours)</c> on the ticket's own row; an unknown outcome is settled by a SERIAL read.
    /// </remarks>
    public Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken) =>
        _keyStates.TryRecordAcquiredAsync(ticket, position, expected, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Per key, one Paxos round on the key's partition: clean, the clean-release record "<c>IF last_acquired = (ours)</c>"
    /// (rule 3) and the deletion of our row "<c>IF ticket_id = (ours)</c>" in one batch, else the removal on its own.
    /// </remarks>
    public Task ReleaseAsync(LockTicket ticket, CleanRelease? clean, CancellationToken cancellationToken) =>
        _remover.ReleaseAsync(ticket, clean, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken) =>
        _queues.ReadQueueAsync(key, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken) =>
        _remover.ForceRemoveAsync(entry, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // a client that owns the store disposes it, and so may an `await using` of the caller's
        }

        await _session.DisposeAsync().ConfigureAwait(false);
        await _orphans.DisposeAsync().ConfigureAwait(false);
        _tables.Dispose();
    }
}
