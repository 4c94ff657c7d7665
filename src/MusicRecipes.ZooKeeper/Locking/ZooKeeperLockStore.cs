using System.Collections.Concurrent;
using System.Globalization;
using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// MUSIC's lock queues on ZooKeeper. Each key has a persistent node <c>{root}/k-{key}</c> whose data is the key's
/// <see cref="KeyLockState"/> and whose children are the queue: one EPHEMERAL_SEQUENTIAL node
/// <c>t-{ticketId}-{sequence}</c> per ticket, so a ticket vanishes when its session ends. A ticket's ordinal on a key is
/// its sequence + 1.
/// </summary>
/// <remarks>
/// <para>
/// <b>Ordinals never restart (rule 2).</b> ZooKeeper takes a sequential name from the parent's child version,
/// which grows with every child created or deleted for as long as the parent exists. Key nodes are therefore
/// persistent and never deleted (not containers, which the server deletes when empty), so ordinals strictly
/// increase for the key's whole life — by two per ticket, up to 2^31 per key.
/// </para>
/// <para>
/// <b>Multi-key tickets are ordered the same way in every queue (rule 4).</b> A ticket enters all its queues in
/// ONE <c>multi</c>, which ZooKeeper applies atomically at one point of its single total order of transactions.
/// For two tickets whose key sets overlap, the multi that commits first is applied first on every shared parent,
/// so it takes the lower sequence in every shared queue. No ticket can be ahead of another in one queue and behind
/// it in another, so waiting for the heads cannot deadlock.
/// </para>
/// <para>
/// <b>Heads are read strongly (rule 1)</b>: <c>sync</c> first, so the server we read from has applied everything
/// committed before the read began. <b>Waiting is event-driven (rule 5)</b>: a waiter sets an exists-watch on its
/// predecessor in each queue where it is not first, and wakes when one leaves (no herd: a departure wakes only
/// its successor). <b>Loss is visible (rule 6)</b>: the store watches each ticket's own nodes — a deletion it did
/// not make is a forced release (<see cref="LockLossReason.ForciblyReleased"/>) — and a lost session signals
/// every ticket of the session (<see cref="LockLossReason.SessionExpired"/>); the client then opens a new session
/// for later calls. <b>Loss is told first</b>: every ticket carries its session's <see cref="SessionLease"/>, renewed
/// with the send time of each request (pings included) the servers answered; when it runs out the tickets read as lost
/// and the store abandons the session (the client closes it on the servers and never adopts it again), so no holder
/// outlives its session on the servers. <b>An acquisition is recorded
/// only while the ticket is queued (rule 6)</b>: one <c>multi</c> of <c>check</c> on the ticket's own node and
/// <c>setData</c> of the key state at the version read. <b>Clean releases (rule 3)</b> are recorded with a
/// compare-and-set (<c>setData</c> with the version read), and only when the key's last acquisition is the releasing
/// ticket's.
/// </para>
/// <para>
/// <b>Ambiguous enqueues.</b> If the connection drops while the enqueue's multi is in flight, the store looks for a
/// node carrying the ticket id after reconnecting (and a sync) and only retries the multi if there is none. An
/// enqueue abandoned by cancellation or a lasting outage is cleaned up later in the background, so no orphan
/// ticket can block a queue for the rest of the session.
/// </para>
/// <para>
/// <b>Clock.</b> <see cref="UtcNow"/> is the ZooKeeper servers' clock as estimated from the modification times of the
/// nodes this store writes (see the docs of <c>ServerClock</c>); before the first write it is the local clock.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var locks = ZooKeeperLockStore.Create(new ZooKeeperClientOptions { ConnectionString = "zk1:2181,zk2:2181,zk3:2181" });
/// await using var music = new MusicClient(dataStore, locks);
/// var lockRef = await music.CreateLockRefAsync(["orders/42"], ct);
/// await music.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(30), ct);
/// </code>
/// </example>
public sealed class ZooKeeperLockStore : ILockStore, ILockSessionEvents
{
    private readonly ZooKeeperClient _client;
    private readonly bool _ownsClient;
    private readonly ZooKeeperLockStoreOptions _options;
    private readonly string _root;
    private readonly ServerClock _clock;
    private readonly ConcurrentDictionary<string, TrackedTicket> _tickets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _knownKeyNodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _orphans = new(StringComparer.Ordinal);
    private readonly RecentlyRemoved _removedByUs = new(capacity: 4096);
    private readonly object _leaseGate = new();
    private SessionLeaseOf? _lease;
    private readonly LockSessionStateNotifier _events;
    private static readonly TimeSpan OrphanRetryDelay = TimeSpan.FromMilliseconds(500);

    private int _cleaning;
    private int _disposed;

    /// <summary>
    /// Tests only: called before (committed = false) and after (committed = true) each enqueue multi with the attempt
    /// number; an exception returned is thrown there, as if the reply had been lost.
    /// </summary>
    internal Func<int, bool, Exception?>? EnqueueFault { get; set; }

    /// <summary>A store on an existing client (which the store does not dispose).</summary>
    public ZooKeeperLockStore(ZooKeeperClient client, ZooKeeperLockStoreOptions? options = null)
        : this(client, ownsClient: false, options)
    {
    }

    private ZooKeeperLockStore(ZooKeeperClient client, bool ownsClient, ZooKeeperLockStoreOptions? options)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _ownsClient = ownsClient;
        _options = options ?? new ZooKeeperLockStoreOptions();
        ZooKeeperPath.Validate(_options.RootPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.EnqueueAttempts, 1);
        _root = _options.RootPath;
        _clock = new ServerClock(_options.TimeProvider);
        _events = new LockSessionStateNotifier(this, () => SessionState);
        _client.ConnectionStateChanged += OnConnectionStateChanged;
        _client.Acknowledged += OnAcknowledged;
    }

    /// <inheritdoc />
    public LockSessionState SessionState => _client.ConnectionState.ToLockSessionState();

    /// <inheritdoc />
    public DateTimeOffset UtcNow => _clock.UtcNow;

    /// <summary>Raised after <see cref="SessionState"/> changed: the client's connection state, mapped (see <see cref="ILockSessionEvents"/>).</summary>
    public event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged
    {
        add => _events.Changed += value;
        remove => _events.Changed -= value;
    }

    /// <summary>The client the store works through.</summary>
    public ZooKeeperClient Client => _client;

    /// <summary>Starts a client with <paramref name="clientOptions"/> and a store that owns it (disposing the store closes the session).</summary>
    /// <example>
    /// <code>
    /// await using var locks = ZooKeeperLockStore.Create(new ZooKeeperClientOptions { ConnectionString = "127.0.0.1:2181" });
    /// </code>
    /// </example>
    public static ZooKeeperLockStore Create(ZooKeeperClientOptions clientOptions, ZooKeeperLockStoreOptions? options = null) =>
        new(ZooKeeperClient.Start(clientOptions), ownsClient: true, options);

    /// <summary>The id a <see cref="LockTicket.SessionId"/> carries for a ZooKeeper session.</summary>
    public static string FormatSessionId(long sessionId) => "0x" + sessionId.ToString("x", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, TicketMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("A ticket needs at least one key.", nameof(keys));
        }

        return GuardAsync(() => EnqueueCoreAsync(keys, mode, cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>
    /// A <c>sync</c> (rule 1) and, pipelined behind it on the same connection, the children of each key node and each
    /// key node's data and version — one round trip. The client records its acquisition over exactly that version.
    /// </remarks>
    public Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return GuardTicketAsync(ticket, HeadCheck.Gone, async () =>
        {
            if (IsGoneLocally(ticket))
            {
                return HeadCheck.Gone;
            }

            // One round trip: the sync and, behind it on the same connection, every queue and every key state.
            var keyPaths = ticket.Positions.Select(p => KeyPath(p.Key)).ToArray();
            var (children, nodes) = await _client.ReadAfterSyncAsync(_root, keyPaths, keyPaths, cancellationToken).ConfigureAwait(false);
            var status = HeadStatus.Head;
            for (var i = 0; i < ticket.Positions.Count; i++)
            {
                var position = ticket.Positions[i];
                var queue = children[i] is { } listed ? ToQueue(listed.Children) : [];
                if (!queue.Any(e => e.Ordinal == position.Ordinal && e.TicketId == ticket.Id))
                {
                    await NoticeGoneAsync(ticket).ConfigureAwait(false);
                    return HeadCheck.Gone;
                }

                if (!ticket.HoldRule.CanHoldBehind(queue.TakeWhile(e => e.Ordinal < position.Ordinal).Select(e => e.TicketId).ToArray()))
                {
                    status = HeadStatus.Waiting;
                }
            }

            if (status == HeadStatus.Waiting)
            {
                return HeadCheck.Waiting;
            }

            // Read after the queues on the same server, so they include the previous holder's last record.
            var states = nodes.Select(n => n is null ? new VersionedKeyState(KeyLockState.Empty, -1) : new VersionedKeyState(KeyStateRecord.Decode(n.Data), n.Stat.Version)).ToArray();
            return new HeadCheck(HeadStatus.Head, states);
        });
    }

    /// <inheritdoc />
    public Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return GuardAsync(async () =>
        {
            if (IsGoneLocally(ticket) || !_tickets.TryGetValue(ticket.Id, out var tracked))
            {
                return true;
            }

            // Armed before reading, so a departure between the read and the watch still wakes us.
            var change = tracked.ArmChange();
            var watching = false;
            foreach (var position in ticket.Positions)
            {
                var queue = await QueueOfAsync(position.Key, cancellationToken).ConfigureAwait(false);
                if (!queue.Any(e => e.Ordinal == position.Ordinal))
                {
                    await NoticeGoneAsync(ticket).ConfigureAwait(false);
                    return true;
                }

                // Watch only the tickets whose departure can let ours hold: no herd.
                var ahead = queue.TakeWhile(e => e.Ordinal < position.Ordinal).ToArray();
                var blockers = ticket.HoldRule.BlockersAmong(ahead.Select(e => e.TicketId).ToArray());
                foreach (var blocker in ahead.Where(e => blockers.Contains(e.TicketId)))
                {
                    var path = ZooKeeperPath.Combine(KeyPath(position.Key), blocker.Name);
                    if (await _client.ExistsAsync(path, tracked.PredecessorWatcher, cancellationToken).ConfigureAwait(false) is null)
                    {
                        return true; // left between our read and the watch
                    }

                    watching = true;
                }
            }

            if (!watching)
            {
                return true; // first everywhere by now: the caller's next head check will say so
            }

            var lost = Task.Delay(Timeout.Infinite, ticket.LostToken);
            await Task.WhenAny(change, lost).WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    /// <inheritdoc />
    public Task<VersionedKeyState> GetKeyStateAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return GuardAsync(async () =>
        {
            await _client.SyncAsync(_root, cancellationToken).ConfigureAwait(false);
            return await ReadKeyStateAsync(key, cancellationToken).ConfigureAwait(false);
        });
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>multi</c>: <c>check</c> that the ticket's own node on the key still exists, and <c>setData</c> of the key
    /// node at the version read (<see cref="VersionedKeyState.Version"/>). ZooKeeper applies both or neither, so a
    /// ticket removed (or whose session ended) between the head check and this call records nothing.
    /// </remarks>
    public Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(expected);
        if (expected.Version is < -1 or > int.MaxValue)
        {
            throw new ArgumentException($"Version {expected.Version} was not read by a ZooKeeper lock store.", nameof(expected));
        }

        return GuardTicketAsync(ticket, RecordResult.TicketGone, async () =>
        {
            if (IsGoneLocally(ticket))
            {
                return RecordResult.TicketGone;
            }

            var own = NodePath(ticket.Id, position);
            var updated = expected.State with { LastAcquired = position.Ordinal, LastAcquiredAt = _clock.UtcNow };
            try
            {
                var sentAt = _clock.LocalNow;
                var results = await _client.MultiAsync(
                    [ZooKeeperOp.Check(own, -1), ZooKeeperOp.SetData(KeyPath(position.Key), KeyStateRecord.Encode(updated), (int)expected.Version)],
                    cancellationToken).ConfigureAwait(false);
                if (results[1].Stat is { } stat)
                {
                    _clock.Observe(sentAt, _clock.LocalNow, stat.Mtime);
                    if (_tickets.TryGetValue(ticket.Id, out var tracked))
                    {
                        tracked.Recorded[position.Key] = new VersionedKeyState(updated, stat.Version);
                    }
                }

                return RecordResult.Recorded;
            }
            catch (NoNodeException e) when (e.Path == own)
            {
                return RecordResult.TicketGone;
            }
            catch (Exception e) when (e is BadVersionException or NoNodeException)
            {
                return RecordResult.StateChanged; // changed since it was read: the client reads again and decides again
            }
        });
    }

    /// <inheritdoc />
    /// <remarks>
    /// Clean, with the versions this store's own records produced: ONE <c>multi</c> — per key a <c>setData</c> of the
    /// clean-release state at the version our record left (so it applies only if nobody changed the key's state since:
    /// only the last acquirer records a clean release, rule 3) and the deletion of the ticket's nodes — 1 request.
    /// If that fails, or the versions are unknown, the careful path: per key a compare-and-set (<c>getData</c> +
    /// <c>setData</c>) that records only for the last acquirer, then the deletions.
    /// </remarks>
    public Task ReleaseAsync(LockTicket ticket, CleanRelease? clean, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return GuardTicketAsync(ticket, true, async () =>
        {
            var recorded = _tickets.TryGetValue(ticket.Id, out var tracked) ? tracked.Recorded : null;
            MarkRemovedByUs(ticket);
            if (ticket.SessionId != FormatSessionId(_client.SessionId))
            {
                _tickets.TryRemove(ticket.Id, out _); // its nodes went with its session
                return true;
            }

            if (clean is not null && recorded is not null && await TryReleaseInOneStepAsync(ticket, clean, recorded, cancellationToken).ConfigureAwait(false))
            {
                _tickets.TryRemove(ticket.Id, out _);
                return true;
            }

            if (clean is not null)
            {
                for (var i = 0; i < ticket.Positions.Count; i++)
                {
                    var position = ticket.Positions[i];
                    var lastWrite = clean.LastWriteAt(i);
                    await UpdateKeyStateAsync(
                        position.Key,
                        state => state.LastAcquired == position.Ordinal ? state with { LastCleanRelease = position.Ordinal, LastWrite = lastWrite } : null,
                        cancellationToken).ConfigureAwait(false);
                }
            }

            await RemoveOwnAsync(ticket, cancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>The one-request clean release; false (nothing done) when a key's state moved past our record or a node is gone.</summary>
    private async Task<bool> TryReleaseInOneStepAsync(LockTicket ticket, CleanRelease clean, IReadOnlyDictionary<string, VersionedKeyState> recorded, CancellationToken cancellationToken)
    {
        var ops = new List<ZooKeeperOp>(ticket.Positions.Count * 2);
        for (var i = 0; i < ticket.Positions.Count; i++)
        {
            var position = ticket.Positions[i];
            if (!recorded.TryGetValue(position.Key, out var mine) || mine.Version is < 0 or > int.MaxValue)
            {
                return false;
            }

            var released = mine.State with { LastCleanRelease = position.Ordinal, LastWrite = clean.LastWriteAt(i) };
            ops.Add(ZooKeeperOp.SetData(KeyPath(position.Key), KeyStateRecord.Encode(released), (int)mine.Version));
        }

        ops.AddRange(ticket.Positions.Select(p => ZooKeeperOp.Delete(NodePath(ticket.Id, p))));
        try
        {
            await _client.MultiAsync(ops, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is BadVersionException or NoNodeException)
        {
            return false; // nothing was applied: the careful path decides key by key
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return GuardAsync<IReadOnlyList<QueueEntry>>(async () =>
        {
            await _client.SyncAsync(_root, cancellationToken).ConfigureAwait(false);
            var queue = await QueueOfAsync(key, cancellationToken).ConfigureAwait(false);
            var reads = queue.Select(async entry =>
            {
                try
                {
                    var node = await _client.GetDataAsync(ZooKeeperPath.Combine(KeyPath(key), entry.Name), null, cancellationToken).ConfigureAwait(false);
                    var record = TicketRecord.TryDecode(node.Data);
                    return new QueueEntry(entry.TicketId, FormatSessionId(node.Stat.EphemeralOwner), new TicketPosition(key, entry.Ordinal), record?.Keys ?? [key]);
                }
                catch (NoNodeException)
                {
                    return null; // left while we read
                }
            });
            return (await Task.WhenAll(reads).ConfigureAwait(false)).OfType<QueueEntry>().ToArray();
        });
    }

    /// <inheritdoc />
    public Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return GuardAsync(() => RemoveEverywhereAsync(entry.TicketId, entry.Keys.Append(entry.Position.Key).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken));
    }

    /// <summary>Closes the session if the store owns the client (its tickets go at once); otherwise removes its tickets.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _client.ConnectionStateChanged -= OnConnectionStateChanged;
        _client.Acknowledged -= OnAcknowledged;
        var remaining = _tickets.Values.ToArray();
        foreach (var tracked in remaining)
        {
            tracked.MarkRemovedByOwner();
        }

        if (_ownsClient)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            foreach (var tracked in remaining)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await ReleaseAsync(tracked.Ticket, clean: null, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is MusicException or OperationCanceledException)
                {
                    // The session's end removes them.
                }
            }
        }

        foreach (var tracked in remaining)
        {
            tracked.Ticket.SignalLost(LockLossReason.ClientClosed);
        }

        _tickets.Clear();
    }

    /// <summary>Our own deletions of the ticket's nodes must not look like a forced release to the node watch.</summary>
    private void MarkRemovedByUs(LockTicket ticket)
    {
        _removedByUs.Add(ticket.Id);
        if (_tickets.TryGetValue(ticket.Id, out var tracked))
        {
            tracked.MarkRemovedByOwner();
        }
    }

    /// <summary>Deletes the ticket's nodes that are still there; a ticket of an ended session went with it.</summary>
    private async Task RemoveOwnAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.SessionId == FormatSessionId(_client.SessionId))
        {
            await Task.WhenAll(ticket.Positions.Select(p => DeleteIfPresentAsync(NodePath(ticket.Id, p), cancellationToken))).ConfigureAwait(false);
        }

        _tickets.TryRemove(ticket.Id, out _);
    }

    private async Task<LockTicket> EnqueueCoreAsync(IReadOnlyList<string> keys, TicketMode mode, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await CleanOrphansAsync(cancellationToken).ConfigureAwait(false);
        var ticketId = mode.IdPrefix + Guid.NewGuid().ToString("N");
        var sent = false;
        try
        {
            return await EnqueueAttemptsAsync(ticketId, keys, () => sent = true, cancellationToken).ConfigureAwait(false);
        }
        catch when (sent)
        {
            // Whatever failed after a multi was sent — its reply lost, the search for it cut short, the caller
            // cancelling, the adoption's own reads failing — the ticket may exist in a session that lives on, and its
            // caller never got it. Remove it now and keep retrying, even if this store is never called again: an
            // orphan would block the queues for the rest of the session (rule 6 of docs/design.md).
            _orphans[ticketId] = keys;
            _ = Task.Run(() => CleanOrphansAsync(CancellationToken.None));
            throw;
        }
    }

    private async Task<LockTicket> EnqueueAttemptsAsync(string ticketId, IReadOnlyList<string> keys, Action onSend, CancellationToken cancellationToken)
    {
        var data = new TicketRecord(ticketId, keys).Encode();
        for (var attempt = 1; ; attempt++)
        {
            await EnsureKeyNodesAsync(keys, cancellationToken).ConfigureAwait(false);
            var ops = keys.Select(k => ZooKeeperOp.Create(KeyPath(k) + "/" + TicketNodeName.PrefixOf(ticketId), data, CreateMode.EphemeralSequential)).ToArray();
            IReadOnlyList<string> created;
            try
            {
                ThrowInjectedFault(attempt, committed: false);
                onSend();
                var results = await _client.MultiAsync(ops, cancellationToken).ConfigureAwait(false);
                ThrowInjectedFault(attempt, committed: true);
                created = results.Select(r => r.Path!).ToArray();
            }
            catch (Exception e) when (e is ConnectionLossException or SessionMovedException)
            {
                // Ambiguous: the multi may have committed. Look for our id before trying again.
                if (await FindCreatedAsync(ticketId, keys, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    created = found;
                }
                else if (attempt < _options.EnqueueAttempts)
                {
                    continue;
                }
                else
                {
                    throw;
                }
            }
            catch (SessionExpiredException) when (attempt < _options.EnqueueAttempts)
            {
                continue; // the session's nodes are gone with it; the next try runs in the new session
            }
            catch (NoNodeException) when (attempt < _options.EnqueueAttempts)
            {
                _knownKeyNodes.Clear(); // someone deleted a key node; recreate it
                continue;
            }

            return await AdoptAsync(ticketId, keys, created, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Builds and tracks the ticket, and watches its own nodes (their deletion by others is a forced release).</summary>
    private async Task<LockTicket> AdoptAsync(string ticketId, IReadOnlyList<string> keys, IReadOnlyList<string> created, CancellationToken cancellationToken)
    {
        var positions = new TicketPosition[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            var name = created[i][(created[i].LastIndexOf('/') + 1)..];
            if (!TicketNodeName.TryParse(name, out _, out var ordinal))
            {
                throw new MusicException($"ZooKeeper created an unexpected queue node '{created[i]}'.");
            }

            positions[i] = new TicketPosition(keys[i], ordinal);
        }

        // Provisional session: replaced by the owner the server reports for our node below.
        var provisional = new LockTicket(ticketId, FormatSessionId(_client.SessionId), positions, LeaseOf(_client.SessionId));
        var tracked = new TrackedTicket(provisional, OnDeletedByOther);
        var stats = await Task.WhenAll(created.Select(path => _client.ExistsAsync(path, tracked.OwnNodeWatcher, cancellationToken))).ConfigureAwait(false);
        var owner = stats.FirstOrDefault(s => s is not null)?.EphemeralOwner ?? _client.SessionId;
        var ticket = owner == _client.SessionId || owner == 0 ? provisional : new LockTicket(ticketId, FormatSessionId(owner), positions, LeaseOf(owner));
        if (!ReferenceEquals(ticket, provisional))
        {
            tracked = new TrackedTicket(ticket, OnDeletedByOther);
            await Task.WhenAll(created.Select(path => _client.ExistsAsync(path, tracked.OwnNodeWatcher, cancellationToken))).ConfigureAwait(false);
        }

        _tickets[ticketId] = tracked;
        if (stats.Any(s => s is null))
        {
            await NoticeGoneAsync(ticket).ConfigureAwait(false); // removed before we could even watch it
        }

        return ticket;
    }

    /// <summary>After an ambiguous multi: the paths our ticket got, or null if the multi did not commit.</summary>
    private async Task<IReadOnlyList<string>?> FindCreatedAsync(string ticketId, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await _client.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
        await _client.SyncAsync(_root, cancellationToken).ConfigureAwait(false);
        var paths = new List<string>(keys.Count);
        foreach (var key in keys)
        {
            var entry = (await QueueOfAsync(key, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.TicketId == ticketId);
            if (entry.Name is null)
            {
                return null; // the multi is atomic: one missing means none was created
            }

            paths.Add(ZooKeeperPath.Combine(KeyPath(key), entry.Name));
        }

        return paths;
    }

    private async Task<bool> RemoveEverywhereAsync(string ticketId, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await _client.SyncAsync(_root, cancellationToken).ConfigureAwait(false);
        var paths = new List<string>();
        foreach (var key in keys)
        {
            foreach (var entry in await QueueOfAsync(key, cancellationToken).ConfigureAwait(false))
            {
                if (entry.TicketId == ticketId)
                {
                    paths.Add(ZooKeeperPath.Combine(KeyPath(key), entry.Name));
                }
            }
        }

        if (paths.Count == 0)
        {
            return false;
        }

        try
        {
            // One transaction: the ticket leaves all its queues at once.
            await _client.MultiAsync(paths.Select(p => ZooKeeperOp.Delete(p)), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NoNodeException)
        {
            // Some entry left meanwhile (its session ended, or another remover): delete what is left one by one.
            var deleted = await Task.WhenAll(paths.Select(p => DeleteIfPresentAsync(p, cancellationToken))).ConfigureAwait(false);
            return deleted.Any(d => d);
        }
    }

    private async Task CleanOrphansAsync(CancellationToken cancellationToken)
    {
        if (_orphans.IsEmpty || Interlocked.Exchange(ref _cleaning, 1) != 0)
        {
            return;
        }

        try
        {
            foreach (var (ticketId, keys) in _orphans.ToArray())
            {
                await RemoveEverywhereAsync(ticketId, keys, cancellationToken).ConfigureAwait(false);
                _orphans.TryRemove(ticketId, out _);
            }
        }
        catch (Exception e) when (e is KeeperException or OperationCanceledException)
        {
            // Tried again on the next enqueue or reconnect, and by the retry below: an orphan must not wait for a
            // call that may never come.
        }
        finally
        {
            Volatile.Write(ref _cleaning, 0);
        }

        if (!_orphans.IsEmpty && Volatile.Read(ref _disposed) == 0)
        {
            _ = Task.Delay(OrphanRetryDelay).ContinueWith(_ => CleanOrphansAsync(CancellationToken.None), TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>
    /// Compare-and-set on the key node: <paramref name="change"/> returns the new state, or null to leave it. Returns
    /// what was written with its new version, or null when nothing was.
    /// </summary>
    private async Task<VersionedKeyState?> UpdateKeyStateAsync(string key, Func<KeyLockState, KeyLockState?> change, CancellationToken cancellationToken)
    {
        var path = KeyPath(key);
        while (true)
        {
            ZooKeeperData node;
            try
            {
                node = await _client.GetDataAsync(path, null, cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                await EnsureKeyNodesAsync([key], cancellationToken).ConfigureAwait(false);
                continue;
            }

            var updated = change(KeyStateRecord.Decode(node.Data));
            if (updated is null)
            {
                return null;
            }

            try
            {
                var sentAt = _clock.LocalNow;
                var stat = await _client.SetDataAsync(path, KeyStateRecord.Encode(updated), node.Stat.Version, cancellationToken).ConfigureAwait(false);
                _clock.Observe(sentAt, _clock.LocalNow, stat.Mtime);
                return new VersionedKeyState(updated, stat.Version);
            }
            catch (BadVersionException)
            {
                // Someone changed the key's state since we read it: read again and re-decide.
            }
        }
    }

    private async Task EnsureKeyNodesAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            var path = KeyPath(key);
            if (_knownKeyNodes.ContainsKey(path))
            {
                continue;
            }

            try
            {
                var sentAt = _clock.LocalNow;
                var created = await _client.CreateAsync(path, KeyStateRecord.Encode(KeyLockState.Empty), CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
                _clock.Observe(sentAt, _clock.LocalNow, created.Stat.Ctime);
            }
            catch (NodeExistsException)
            {
                // Another client locked this key before.
            }
            catch (NoNodeException)
            {
                await _client.EnsurePathAsync(_root, cancellationToken).ConfigureAwait(false);
                continue;
            }

            _knownKeyNodes[path] = 0;
        }
    }

    /// <summary>The key node's state and data version (not synced: callers sync first).</summary>
    private async Task<VersionedKeyState> ReadKeyStateAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var node = await _client.GetDataAsync(KeyPath(key), null, cancellationToken).ConfigureAwait(false);
            return new VersionedKeyState(KeyStateRecord.Decode(node.Data), node.Stat.Version);
        }
        catch (NoNodeException)
        {
            return new VersionedKeyState(KeyLockState.Empty, -1); // no node: nothing to record over until it exists
        }
    }

    /// <summary>The queue of a key, first entry first (not synced: callers sync when they need a strong read).</summary>
    private async Task<IReadOnlyList<QueueNode>> QueueOfAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return ToQueue((await _client.GetChildrenAsync(KeyPath(key), null, cancellationToken).ConfigureAwait(false)).Children);
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    private static List<QueueNode> ToQueue(IReadOnlyList<string> children)
    {
        var queue = new List<QueueNode>(children.Count);
        foreach (var name in children)
        {
            if (TicketNodeName.TryParse(name, out var ticketId, out var ordinal))
            {
                queue.Add(new QueueNode(name, ticketId, ordinal));
            }
        }

        queue.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
        return queue;
    }

    private async Task<bool> DeleteIfPresentAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteAsync(path, -1, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NoNodeException)
        {
            return false;
        }
    }

    /// <summary>True (and the ticket signalled) when the ticket's session is no longer the client's.</summary>
    private bool IsGoneLocally(LockTicket ticket)
    {
        if (ticket.LossReason is not null)
        {
            return true;
        }

        if (ticket.SessionId != FormatSessionId(_client.SessionId))
        {
            ticket.SignalLost(LockLossReason.SessionExpired);
            _tickets.TryRemove(ticket.Id, out _);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Our ticket's node is missing and we did not remove it: a forced release if our session is alive, else an
    /// expiry. A closed session's ephemerals disappear (and watchers hear of it) just before the server refuses the
    /// session, so one round trip in the ticket's session decides: it succeeds only if the session lives.
    /// </summary>
    private async Task NoticeGoneAsync(LockTicket ticket)
    {
        if ((_tickets.TryGetValue(ticket.Id, out var tracked) && tracked.RemovedByOwner) || _removedByUs.Contains(ticket.Id))
        {
            _tickets.TryRemove(ticket.Id, out _);
            return;
        }

        ticket.SignalLost(await JudgeLossAsync(ticket).ConfigureAwait(false));
        _tickets.TryRemove(ticket.Id, out _);
    }

    private void OnDeletedByOther(TrackedTicket tracked) => _ = Task.Run(() => NoticeGoneAsync(tracked.Ticket));

    private async Task<LockLossReason> JudgeLossAsync(LockTicket ticket)
    {
        // Cut off for longer than the session timeout means the ensemble expired the session anyway.
        var deadline = _options.TimeProvider.GetTimestamp();
        var patience = _client.SessionTimeout + TimeSpan.FromSeconds(1);
        while (_options.TimeProvider.GetElapsedTime(deadline) < patience && Volatile.Read(ref _disposed) == 0)
        {
            if (ticket.SessionId != FormatSessionId(_client.SessionId))
            {
                return LockLossReason.SessionExpired;
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.SyncAsync(_root, timeout.Token).ConfigureAwait(false);
                return ticket.SessionId == FormatSessionId(_client.SessionId) ? LockLossReason.ForciblyReleased : LockLossReason.SessionExpired;
            }
            catch (Exception e) when (e is KeeperException or OperationCanceledException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return LockLossReason.ClientClosed;
            }
        }

        return LockLossReason.SessionExpired;
    }

    /// <summary>
    /// The lease of <paramref name="sessionId"/>, started on first use from the send time of the session's latest
    /// acknowledged request; for any other session than the client's current one, a lease that has already expired.
    /// A new session's lease is fresh: the client never adopts a session again once it expired or was abandoned (so an
    /// expired lease is never found under a new session's id), and the id and its acknowledgement time are read together.
    /// </summary>
    private SessionLease LeaseOf(long sessionId)
    {
        lock (_leaseGate)
        {
            if (_lease is { } current && current.SessionId == sessionId)
            {
                return current.Lease;
            }

            var (clientSession, acknowledged) = _client.SessionAcknowledgement;
            var lease = new SessionLease(SessionLease.TermFor(_client.SessionTimeout), TimeProvider.System, acknowledged);
            if (sessionId == 0 || sessionId != clientSession)
            {
                lease.Expire();
                return lease;
            }

            _lease?.Lease.Expire();
            _lease = new SessionLeaseOf(sessionId, lease);
            lease.ExpiredToken.Register(() => OnLeaseExpired(sessionId));
            return lease;
        }
    }

    /// <summary>On the reader loop: renew the current session's lease by the send time of a request the server answered.</summary>
    private void OnAcknowledged(long sessionId, long sentTimestamp)
    {
        if (Volatile.Read(ref _lease) is { } current && current.SessionId == sessionId)
        {
            current.Lease.Renew(sentTimestamp);
        }
    }

    /// <summary>
    /// The lease ran out before any server said the session expired: its tickets already read as lost; fire their
    /// tokens and abandon the session, so nothing declared lost is ever resumed (rule 6 of docs/design.md).
    /// </summary>
    private void OnLeaseExpired(long sessionId)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        SignalSessionLost(FormatSessionId(sessionId));
        _client.AbandonSession(sessionId, "its client-side lease ran out before any server answered");
    }

    private void SignalSessionLost(string session)
    {
        foreach (var tracked in _tickets.Values.Where(t => t.Ticket.SessionId == session).ToArray())
        {
            tracked.Ticket.SignalLost(LockLossReason.SessionExpired);
            _tickets.TryRemove(tracked.Ticket.Id, out _);
        }
    }

    private void OnConnectionStateChanged(object? sender, ZooKeeperConnectionStateChangedEventArgs e)
    {
        _events.StateMayHaveChanged();
        if (e.State == ZooKeeperConnectionState.Lost)
        {
            if (Volatile.Read(ref _lease) is { } current && current.SessionId == e.SessionId)
            {
                current.Lease.Expire();
            }

            SignalSessionLost(FormatSessionId(e.SessionId));
        }
        else if (e.State is ZooKeeperConnectionState.Connected or ZooKeeperConnectionState.Reconnected && !_orphans.IsEmpty)
        {
            _ = Task.Run(() => CleanOrphansAsync(CancellationToken.None));
        }
    }

    private void ThrowInjectedFault(int attempt, bool committed)
    {
        if (EnqueueFault?.Invoke(attempt, committed) is { } fault)
        {
            throw fault;
        }
    }

    private string KeyPath(string key) => ZooKeeperPath.Combine(_root, KeyNodeName.Encode(key));

    private string NodePath(string ticketId, TicketPosition position) =>
        ZooKeeperPath.Combine(KeyPath(position.Key), TicketNodeName.NameOf(ticketId, position.Ordinal));

    /// <summary>Runs a store call, turning ZooKeeper's transient errors into MUSIC's (the client retries those).</summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code is KeeperErrorCode.ConnectionLoss or KeeperErrorCode.OperationTimeout
            or KeeperErrorCode.SessionMoved or KeeperErrorCode.SessionExpired or KeeperErrorCode.Throttled)
        {
            throw new MusicUnavailableException($"ZooKeeper is unavailable ({e.Code}): {e.Message}", e);
        }
        catch (KeeperException e)
        {
            throw new MusicException($"ZooKeeper refused a lock-store operation ({e.Code}): {e.Message}", e);
        }
    }

    /// <summary>
    /// A call about one ticket whose request found the ticket's own session expired: the servers deleted the session's
    /// nodes, so the ticket is gone — lost (rule 6: it is never told it holds), a head check says Gone, a record
    /// records nothing, and a release is done (the key is left unclean, so its next holder syncs, rule 3). Telling the
    /// caller "unavailable" would only make it retry what cannot succeed, or fail, any more.
    /// </summary>
    private Task<T> GuardTicketAsync<T>(LockTicket ticket, T whenSessionEnded, Func<Task<T>> call)
    {
        var sessionAtStart = _client.SessionId; // formatted only when an expiry is met: head checks are a hot path
        return GuardAsync(async () =>
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.SessionExpired && ticket.SessionId == FormatSessionId(sessionAtStart))
            {
                if (!_removedByUs.Contains(ticket.Id))
                {
                    ticket.SignalLost(LockLossReason.SessionExpired); // a release under way is not a loss
                }

                _tickets.TryRemove(ticket.Id, out _);
                return whenSessionEnded;
            }
        });
    }

    private Task GuardAsync(Func<Task> call) => GuardAsync(async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });

    /// <summary>A session's lease, kept as one reference so a reader never pairs one session's id with another's lease.</summary>
    private sealed record SessionLeaseOf(long SessionId, SessionLease Lease);

    /// <summary>One queue entry as listed: node name, ticket id, ordinal.</summary>
    private readonly record struct QueueNode(string Name, string TicketId, long Ordinal);
}
