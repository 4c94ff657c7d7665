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
public sealed class CassandraLockStore : ILockStore, ILockSessionEvents
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
    public async Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, TicketMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("A ticket needs at least one key.", nameof(keys));
        }

        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
        var sessionId = await _session.EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var ticketId = mode.IdPrefix + Guid.NewGuid().ToString("N");
        var keyList = keys.ToList();
        long floor = 0;
        for (var attempt = 0; attempt < MaxEnqueueAttempts; attempt++)
        {
            // The high-water marks at SERIAL: includes any Paxos round still in flight on those partitions.
            var marks = await Task.WhenAll(keys.Select(k => ReadMaxAsync(statements, k, cancellationToken))).ConfigureAwait(false);
            var ordinal = Math.Max(floor, marks.Max(m => m ?? 0)) + 1;
            if (ordinal > FencingTimestamp.MaxOrdinal)
            {
                throw new InvalidOperationException($"The lock queues of {string.Join(", ", keys)} ran out of ordinals.");
            }

            EnterOutcome[] outcomes;
            try
            {
                outcomes = await Task.WhenAll(keys.Select((k, i) => EnterAsync(statements, k, ordinal, marks[i], ticketId, sessionId, keyList, cancellationToken))).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MusicException or OperationCanceledException)
            {
                // Some queues may hold the half-entered ticket of a session that stays alive: it would block them
                // for good. Take it out now, or leave it to the heartbeat.
                foreach (var key in keys)
                {
                    _orphans.Add(key, ordinal, ticketId);
                }

                await _orphans.SweepAsync(CancellationToken.None).ConfigureAwait(false);
                _orphans.SweepInBackground();
                throw;
            }

            if (outcomes.All(o => o.Entered))
            {
                var ticket = new LockTicket(ticketId, sessionId, keys.Select(k => new TicketPosition(k, ordinal)).ToList(), _session.LeaseOf(sessionId));
                _session.Track(ticket);
                return ticket;
            }

            // Some queue moved past our ordinal: leave the queues we entered and retry above its new mark.
            floor = Math.Max(ordinal, outcomes.Max(o => o.CurrentMax ?? 0));
            await Task.WhenAll(keys.Where((_, i) => outcomes[i].Entered)
                .Select(k => RemoveEntryAsync(statements, k, ordinal, ticketId, cancellationToken))).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + Math.Min(attempt, 10) * 10)), cancellationToken).ConfigureAwait(false);
        }

        throw new MusicTimeoutException($"Could not enqueue on {string.Join(", ", keys)}: too much contention.");
    }

    /// <inheritdoc />
    /// <remarks>
    /// One SERIAL read per key (rule 1) of the queue up to the ticket, which also returns the key's state (static
    /// columns of the same partition, read in the same linearizable read).
    /// </remarks>
    public async Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        for (var round = 0; ; round++)
        {
            if (ticket.LossReason is not null || _removedBySelf.ContainsKey(ticket.Id))
            {
                return HeadCheck.Gone;
            }

            if (!_session.IsCurrent(ticket.SessionId))
            {
                ticket.SignalLost(LockLossReason.SessionExpired);
                return HeadCheck.Gone;
            }

            var look = await ReadQueuesAsync(ticket, serial: true, cancellationToken).ConfigureAwait(false);
            if (look.Blockers is not { } blockers)
            {
                if (!_removedBySelf.ContainsKey(ticket.Id))
                {
                    ticket.SignalLost(LockLossReason.ForciblyReleased);
                }

                return HeadCheck.Gone;
            }

            if (blockers.Count == 0)
            {
                return new HeadCheck(HeadStatus.Head, look.States);
            }

            if (round > 0 || !await RemoveDeadBlockersAsync(blockers, cancellationToken).ConfigureAwait(false))
            {
                return HeadCheck.Waiting;
            }
        }
    }

    /// <inheritdoc />
    public async Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ticket.LostToken);
        IReadOnlyList<QueueEntry>? before;
        try
        {
            before = await ReadBlockersAsync(ticket, serial: false, wake.Token).ConfigureAwait(false);
        }
        catch (MusicException)
        {
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var delay = _options.PollMinDelay;
        var sessionCheckEvery = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 200, _options.SessionTimeout.Ticks / 4));
        var sinceSessionCheck = System.Diagnostics.Stopwatch.StartNew();
        while (before is { Count: > 0 })
        {
            try
            {
                await Task.Delay(delay, wake.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.PollMaxDelay.Ticks));
                var now = await ReadBlockersAsync(ticket, serial: false, wake.Token).ConfigureAwait(false);
                if (now is null || !now.Select(e => e.TicketId).SequenceEqual(before.Select(e => e.TicketId)))
                {
                    return;
                }

                if (sinceSessionCheck.Elapsed >= sessionCheckEvery)
                {
                    sinceSessionCheck.Restart();
                    if (await RemoveDeadBlockersAsync(now, wake.Token).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            catch (MusicException)
            {
                // Let the caller's strong re-check surface the error.
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>The version is the last acquired ordinal: the only column a new holder's record is conditional on.</remarks>
    public async Task<VersionedKeyState> GetKeyStateAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
        var rows = await _lwt.ReadAsync(_lwt.SerialRead(statements.ReadState, key), $"Read lock state of '{key}'", cancellationToken).ConfigureAwait(false);
        return Versioned(ToState(rows));
    }

    /// <inheritdoc />
    /// <remarks>
    /// One Paxos round on the key's partition: a batch of <c>IF last_acquired = (what was read)</c> on the static state
    /// and <c>IF ticket_id = (ours)</c> on the ticket's own row. Guarding the state on the last acquisition is enough:
    /// the only other change a key's state can see while a ticket is at the head is a clean release of that same
    /// acquisition, which can only make a sync the caller decided on unnecessary. When the outcome is unknown, a SERIAL
    /// read (which also finishes a round left in flight) says whether it landed.
    /// </remarks>
    public async Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(expected);
        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
        var batch = new CqlBatch { Consistency = CqlConsistency.Quorum, SerialConsistency = _lwt.Serial }
            .Add(statements.RecordAcquired.Bind(position.Ordinal, UtcNow, position.Key, expected.State.LastAcquired))
            .Add(statements.ConfirmEntry.Bind(ticket.Id, position.Key, position.Ordinal, ticket.Id));
        var result = await _lwt.TryAsync(batch, $"Record acquisition of '{position.Key}'", cancellationToken).ConfigureAwait(false);
        if (result is { WasApplied: true })
        {
            return RecordResult.Recorded;
        }

        if (result is null && (await GetKeyStateAsync(position.Key, cancellationToken).ConfigureAwait(false)).State.IsAcquiredBy(position.Ordinal))
        {
            return RecordResult.Recorded; // the round whose answer was lost did commit
        }

        var entry = await _lwt.ReadAsync(_lwt.SerialRead(statements.ReadEntry, position.Key, position.Ordinal), $"Check ticket on '{position.Key}'", cancellationToken).ConfigureAwait(false);
        return entry.Rows.Count > 0 && entry.Rows[0].Get<string>("ticket_id") == ticket.Id ? RecordResult.StateChanged : RecordResult.TicketGone;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Per key, one Paxos round on the key's partition: clean, a batch of the clean-release record "<c>IF last_acquired
    /// = (ours)</c>" (only the last acquirer records, rule 3) and the deletion of our row "<c>IF ticket_id = (ours)</c>";
    /// if that batch does not apply (someone acquired after us) or its outcome is unknown, the row is removed on its
    /// own. Unclean, only the removal. Keys of a multi-key ticket are separate partitions, so each has its own round.
    /// </remarks>
    public async Task ReleaseAsync(LockTicket ticket, CleanRelease? clean, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
        _removedBySelf[ticket.Id] = 0;
        var cleanly = clean is not null && !ticket.LossReason.HasValue;
        await Task.WhenAll(ticket.Positions.Select(async (position, i) =>
        {
            if (cleanly && await TryReleaseCleanlyAsync(statements, ticket, position, clean!.LastWriteAt(i), cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await RemoveEntryAsync(statements, position.Key, position.Ordinal, ticket.Id, cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
        _session.Untrack(ticket);
    }

    /// <summary>The clean record and the row's removal in one round; false when it did not apply or its outcome is unknown.</summary>
    private async Task<bool> TryReleaseCleanlyAsync(LockStatements statements, LockTicket ticket, TicketPosition position, long? lastWrite, CancellationToken cancellationToken)
    {
        var batch = new CqlBatch { Consistency = CqlConsistency.Quorum, SerialConsistency = _lwt.Serial }
            .Add(statements.RecordClean.Bind(position.Ordinal, lastWrite, position.Key, position.Ordinal))
            .Add(statements.RemoveEntry.Bind(position.Key, position.Ordinal, ticket.Id));
        try
        {
            var result = await _lwt.TryAsync(batch, $"Release '{position.Key}'", cancellationToken).ConfigureAwait(false);
            return result is { WasApplied: true };
        }
        catch (MusicException e) when (e is not MusicUnavailableException)
        {
            // Not recorded means unclean: the next holder syncs. Safe, only slower; the removal follows on its own.
            _logger.LogDebug(e, "Could not record a clean release of {Key} by {Ticket}", position.Key, ticket);
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
        var rows = await _lwt.ReadAsync(_lwt.SerialRead(statements.ReadQueue, key), $"Read lock queue of '{key}'", cancellationToken).ConfigureAwait(false);
        return ToEntries(key, rows);
    }

    /// <inheritdoc />
    public async Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);

        // Every queue of the ticket holds it at the same ordinal (see the class remarks).
        var removed = await Task.WhenAll(entry.Keys.Select(k => RemoveEntryAsync(statements, k, entry.Position.Ordinal, entry.TicketId, cancellationToken))).ConfigureAwait(false);
        _session.Find(entry.TicketId)?.SignalLost(LockLossReason.ForciblyReleased);
        return removed.Any(r => r);
    }

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

    /// <summary>Signals lost every ticket of ours that someone else removed from one of its queues.</summary>
    private async Task VerifyTicketsAsync(IReadOnlyCollection<LockTicket> tickets, CancellationToken cancellationToken)
    {
        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
        await _orphans.SweepAsync(cancellationToken).ConfigureAwait(false);
        foreach (var ticket in tickets)
        {
            if (ticket.LossReason is not null || _removedBySelf.ContainsKey(ticket.Id))
            {
                _session.Untrack(ticket);
                continue;
            }

            foreach (var position in ticket.Positions)
            {
                // QUORUM is enough: removals are Paxos commits, written at QUORUM before they are acknowledged.
                var rows = await _lwt.ReadAsync(LwtRunner.QuorumRead(statements.ReadEntry, position.Key, position.Ordinal), "Verify ticket", cancellationToken).ConfigureAwait(false);
                if ((rows.Rows.Count == 0 || rows.Rows[0].Get<string>("ticket_id") != ticket.Id) && !_removedBySelf.ContainsKey(ticket.Id))
                {
                    _logger.LogWarning("Ticket {Ticket} was removed by someone else", ticket);
                    ticket.SignalLost(LockLossReason.ForciblyReleased);
                    _session.Untrack(ticket);
                    break;
                }
            }
        }
    }

    private async Task<long?> ReadMaxAsync(LockStatements statements, string key, CancellationToken cancellationToken)
    {
        var rows = await _lwt.ReadAsync(_lwt.SerialRead(statements.ReadMax, key), $"Read lock queue mark of '{key}'", cancellationToken).ConfigureAwait(false);
        return rows.Rows.Count == 0 ? null : rows.Rows[0].Get<long?>("max_ordinal");
    }

    private async Task<EnterOutcome> EnterAsync(LockStatements statements, string key, long ordinal, long? observedMax, string ticketId, string sessionId, List<string> keys, CancellationToken cancellationToken)
    {
        if (observedMax is null)
        {
            // Cassandra 2.1 never applies "IF max_ordinal = null" on a partition that does not exist yet, so a new
            // queue first gets its mark 0 (whoever wins this race, the mark is 0 or already higher).
            await _lwt.TryAsync(_lwt.Conditional(statements.InitQueue, key), $"Create lock queue of '{key}'", cancellationToken).ConfigureAwait(false);
            observedMax = 0;
        }

        // One partition, one Paxos round: raise the mark and insert the row only if nobody raised it meanwhile.
        var batch = new CqlBatch { Consistency = CqlConsistency.Quorum, SerialConsistency = _lwt.Serial }
            .Add(statements.AdvanceMax.Bind(ordinal, key, observedMax))
            .Add(statements.InsertEntry.Bind(key, ordinal, ticketId, sessionId, keys));
        var result = await _lwt.TryAsync(batch, $"Enqueue on '{key}'", cancellationToken).ConfigureAwait(false);
        if (result is { WasApplied: true })
        {
            return new EnterOutcome(true, ordinal);
        }

        if (result is null)
        {
            // Outcome unknown: a SERIAL read settles it (and completes the round if it is still in flight).
            var entry = await _lwt.ReadAsync(_lwt.SerialRead(statements.ReadEntry, key, ordinal), $"Check enqueue on '{key}'", cancellationToken).ConfigureAwait(false);
            if (entry.Rows.Count > 0 && entry.Rows[0].Get<string>("ticket_id") == ticketId)
            {
                return new EnterOutcome(true, ordinal);
            }

            // Not there now, but a later Paxos round may still complete it: the heartbeat removes it if it shows up
            // (and the ticket's own head checks do, see RemoveLeftoversAsync).
            _orphans.Add(key, ordinal, ticketId);
        }

        return new EnterOutcome(false, await ReadMaxAsync(statements, key, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Deletes one queue row if it still belongs to the ticket. True when this call removed it.</summary>
    /// <remarks>
    /// A removal whose outcome is unknown (a Paxos round that timed out, typically under contention on the key) is
    /// settled by a SERIAL read and tried again while the row is still there: the delete is conditional on the ticket's
    /// id, so repeating it can never remove anything else.
    /// </remarks>
    private async Task RemoveOrphanAsync(OrphanRow row, CancellationToken cancellationToken)
    {
        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
        await RemoveEntryAsync(statements, row.Key, row.Ordinal, row.TicketId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> RemoveEntryAsync(LockStatements statements, string key, long ordinal, string ticketId, CancellationToken cancellationToken)
    {
        const int attempts = 4;
        for (var attempt = 1; ; attempt++)
        {
            var result = await _lwt.TryAsync(_lwt.Conditional(statements.RemoveEntry, key, ordinal, ticketId), $"Dequeue from '{key}'", cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return result.WasApplied;
            }

            var entry = await _lwt.ReadAsync(_lwt.SerialRead(statements.ReadEntry, key, ordinal), $"Check dequeue from '{key}'", cancellationToken).ConfigureAwait(false);
            if (entry.Rows.Count == 0 || entry.Rows[0].Get<string>("ticket_id") != ticketId)
            {
                return true;
            }

            if (attempt == attempts)
            {
                throw new MusicTimeoutException($"Removing ticket {ticketId} from '{key}' timed out {attempts} times; it is still queued.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50 * attempt)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The first entry of each of the ticket's queues that is ahead of it (empty when the ticket is head
    /// everywhere), or null when the ticket is missing from one of its queues.
    /// </summary>
    private async Task<IReadOnlyList<QueueEntry>?> ReadBlockersAsync(LockTicket ticket, bool serial, CancellationToken cancellationToken) =>
        (await ReadQueuesAsync(ticket, serial, cancellationToken).ConfigureAwait(false)).Blockers;

    /// <summary>The blockers (see <see cref="ReadBlockersAsync"/>) and each key's state, from one read per key.</summary>
    private async Task<QueueLook> ReadQueuesAsync(LockTicket ticket, bool serial, CancellationToken cancellationToken)
    {
        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
        var prefixes = await Task.WhenAll(ticket.Positions.Select(async p =>
        {
            var statement = serial
                ? _lwt.SerialRead(statements.ReadPrefix, p.Key, p.Ordinal)
                : LwtRunner.QuorumRead(statements.ReadPrefix, p.Key, p.Ordinal);
            var rows = await _lwt.ReadAsync(statement, $"Read lock queue of '{p.Key}'", cancellationToken).ConfigureAwait(false);
            return (Position: p, Entries: ToEntries(p.Key, rows), State: ToState(rows));
        })).ConfigureAwait(false);

        var states = prefixes.Select(p => Versioned(p.State)).ToArray();
        var blockers = new List<QueueEntry>();
        foreach (var (position, entries, _) in prefixes)
        {
            if (!entries.Any(e => e.Position.Ordinal == position.Ordinal && e.TicketId == ticket.Id))
            {
                return new QueueLook(null, states);
            }

            // The tickets ahead that keep ours from holding, by its hold rule over their modes (the mode is in the id).
            var ahead = entries.TakeWhile(e => e.Position.Ordinal < position.Ordinal).ToArray();
            if (ahead.Any(e => e.TicketId == ticket.Id))
            {
                ahead = await RemoveLeftoversAsync(statements, ticket, ahead, cancellationToken).ConfigureAwait(false);
            }

            var blocking = ticket.HoldRule.BlockersAmong(ahead.Select(e => e.TicketId).ToArray());
            blockers.AddRange(ahead.Where(e => blocking.Contains(e.TicketId)));
        }

        return new QueueLook(blockers, states);
    }

    /// <summary>
    /// Removes rows of this very ticket ahead of its position and returns the others. They are leftovers of an earlier
    /// enqueue attempt at a lower ordinal (retries always go higher) that looked like a miss: a Paxos round whose
    /// outcome was unknown, which a SERIAL read did not see, and which a later round completed — Cassandra finishes an
    /// accepted proposal when a later prepare meets a replica that accepted it. Left there, the ticket would wait for
    /// itself for as long as its session lives and block everyone behind it (rule 5: every wait must end). The delete is
    /// conditional on the ticket's id, so it can remove nothing else.
    /// </summary>
    private async Task<QueueEntry[]> RemoveLeftoversAsync(LockStatements statements, LockTicket ticket, QueueEntry[] ahead, CancellationToken cancellationToken)
    {
        foreach (var leftover in ahead.Where(e => e.TicketId == ticket.Id))
        {
            _logger.LogWarning("Removing a leftover row of ticket {Ticket} at {Key}#{Ordinal}, ahead of its place", ticket, leftover.Position.Key, leftover.Position.Ordinal);
            await RemoveEntryAsync(statements, leftover.Position.Key, leftover.Position.Ordinal, ticket.Id, cancellationToken).ConfigureAwait(false);
        }

        return ahead.Where(e => e.TicketId != ticket.Id).ToArray();
    }

    private static VersionedKeyState Versioned(KeyLockState state) => new(state, state.LastAcquired ?? 0);

    /// <summary>The key's state from the static columns (the same on every row of the partition).</summary>
    private static KeyLockState ToState(CqlRowSet rows)
    {
        if (rows.Rows.Count == 0)
        {
            return KeyLockState.Empty;
        }

        var row = rows.Rows[0];
        return new KeyLockState(row.Get<long?>("last_acquired"), row.Get<DateTimeOffset?>("last_acquired_at"), row.Get<long?>("last_clean_release"), row.Get<long?>("last_write"));
    }

    /// <summary>Force-removes blockers whose session is dead. True when something was removed.</summary>
    private async Task<bool> RemoveDeadBlockersAsync(IReadOnlyList<QueueEntry> blockers, CancellationToken cancellationToken)
    {
        var removed = false;
        foreach (var blocker in blockers.DistinctBy(b => b.TicketId))
        {
            if (await IsSessionAliveAsync(blocker.SessionId, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            _logger.LogInformation("Removing ticket {Ticket} of dead session {Session} from {Keys}", blocker.TicketId, blocker.SessionId, string.Join(",", blocker.Keys));
            removed |= await ForceRemoveAsync(blocker, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private async Task<bool> IsSessionAliveAsync(string sessionId, CancellationToken cancellationToken)
    {
        // A session seen alive is not re-read for a short while: a dead holder is noticed a little later, never
        // wrongly.
        var now = Environment.TickCount64;
        if (_aliveUntil.TryGetValue(sessionId, out var until) && until > now)
        {
            return true;
        }

        var alive = await _session.IsAliveAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (alive)
        {
            _aliveUntil[sessionId] = now + Math.Min(1000, (long)_options.SessionTimeout.TotalMilliseconds / 4);
        }
        else
        {
            _aliveUntil.TryRemove(sessionId, out _);
        }

        return alive;
    }

    private static List<QueueEntry> ToEntries(string key, CqlRowSet rows)
    {
        var entries = new List<QueueEntry>(rows.Rows.Count);
        foreach (var row in rows.Rows)
        {
            // A partition with only static columns comes back as one row with a null ordinal.
            if (row.Get<long?>("ordinal") is not { } ordinal)
            {
                continue;
            }

            entries.Add(new QueueEntry(
                row.Get<string>("ticket_id") ?? string.Empty,
                row.Get<string>("session_id") ?? string.Empty,
                new TicketPosition(key, ordinal),
                row.GetList<string>("keys")));
        }

        return entries;
    }

    private async Task<LockStatements> CreateSchemaAndPrepareAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateSchema)
        {
            await CassandraErrors.Guard("Create lock tables", async () =>
            {
                await CassandraSchema.EnsureAsync(_cql, _keyspace, _options.Replication, LockStatements.CreateTables(_queueTable, _sessionTable), _options.SchemaAgreementTimeout, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }

        try
        {
            return await LockStatements.PrepareAsync(_cql, _queueTable, _sessionTable, cancellationToken).ConfigureAwait(false);
        }
        catch (CqlException e) when (_options.CreateSchema && e is not CqlRequestTimeoutException)
        {
            // A table created by an older version lacks a later column: add it (one schema change at a time, as at
            // creation) and prepare again.
            _logger.LogInformation("Upgrading lock table {Table}: {Reason}", _queueTable, e.Message);
            await CassandraErrors.Guard("Upgrade lock tables", async () =>
            {
                foreach (var upgrade in LockStatements.Upgrades(_queueTable))
                {
                    try
                    {
                        await CassandraSchema.EnsureAsync(_cql, _keyspace, _options.Replication, [upgrade], _options.SchemaAgreementTimeout, cancellationToken).ConfigureAwait(false);
                    }
                    catch (CqlException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // The column is there already (its absence was not the problem): the prepare below says.
                    }
                }

                return true;
            }).ConfigureAwait(false);
        }

        return await CassandraErrors.Guard("Prepare lock statements", () => LockStatements.PrepareAsync(_cql, _queueTable, _sessionTable, cancellationToken)).ConfigureAwait(false);
    }

    private readonly record struct EnterOutcome(bool Entered, long? CurrentMax);

    private readonly record struct QueueLook(IReadOnlyList<QueueEntry>? Blockers, IReadOnlyList<VersionedKeyState> States);

}
