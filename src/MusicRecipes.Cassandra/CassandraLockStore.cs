using System.Collections.Concurrent;
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
public sealed partial class CassandraLockStore : ILockStore, ILockSessionEvents
{
    private const int MaxEnqueueAttempts = 64;

    private readonly CqlSession _cql;
    private readonly CassandraLockStoreOptions _options;
    private readonly string _queueTable;
    private readonly string _sessionTable;
    private readonly string _keyspace;
    private readonly LwtRunner _lwt;
    private readonly LockSession _session;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _removedBySelf = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _aliveUntil = new(StringComparer.Ordinal);
    private readonly OrphanRowSweeper _orphans;
    private int _disposed;
    private readonly AsyncInitializer<LockStatements> _statements;

    /// <summary>Creates the store; the schema is created (if allowed) and the session opened on first use.</summary>
    public CassandraLockStore(CqlSession session, CassandraLockStoreOptions? options = null, ILogger<CassandraLockStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        _cql = session;
        _options = options ?? new CassandraLockStoreOptions();
        _keyspace = CassandraIdentifier.Validate(_options.Keyspace, nameof(options));
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

        _queueTable = $"{_keyspace}.{prefix}_queue";
        _sessionTable = $"{_keyspace}.{prefix}_sessions";
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _lwt = new LwtRunner(session, _options.SerialConsistency);
        _statements = new AsyncInitializer<LockStatements>(CreateSchemaAndPrepareAsync);
        _orphans = new OrphanRowSweeper(RemoveOrphanAsync, _options.Heartbeat, _logger);
        _session = new LockSession(session, _statements.GetAsync, _lwt, _options, _logger) { VerifyTickets = VerifyTicketsAsync, TicketsLost = _orphans.AddLost };
    }

    /// <summary>The current lock-service session id, or null before the first ticket.</summary>
    public string? SessionId => _session.Id;

    /// <summary>The keyspace of the lock tables.</summary>
    public string Keyspace => _keyspace;

    /// <summary>The table holding the lease rows of sessions (tests delete a row to expire a session).</summary>
    public string SessionTable => _sessionTable;

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
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // a client that owns the store disposes it, and so may an `await using` of the caller's
        }

        await _session.DisposeAsync().ConfigureAwait(false);
        await _orphans.DisposeAsync().ConfigureAwait(false);
        _statements.Dispose();
    }
}
