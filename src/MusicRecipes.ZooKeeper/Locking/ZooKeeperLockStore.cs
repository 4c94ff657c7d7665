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
/// <b>Ordinals never restart (rule 2).</b> ZooKeeper takes a sequential name from the parent's count of children
/// ever created, which grows with every create for as long as the parent exists. Key nodes are therefore
/// persistent and never deleted (not containers, which the server deletes when empty), so ordinals strictly
/// increase for the key's whole life — by one per ticket.
/// </para>
/// <para>
/// <b>Multi-key tickets are ordered the same way in every queue (rule 4).</b> A ticket enters all its queues in
/// ONE <c>multi</c>, which ZooKeeper applies atomically at one point of its single total order of transactions.
/// For two tickets whose key sets overlap, the multi that commits first is applied first on every shared parent,
/// so it takes the lower sequence in every shared queue. No ticket can be ahead of another in one queue and behind
/// it in another, so waiting for the heads cannot deadlock.
/// </para>
/// <para>
/// <b>Heads are read strongly (rule 1)</b> without a <c>sync</c>: the server has applied the session's own enqueue,
/// earlier tickets cannot be missing from a view that holds it, and the conditional record catches what the view
/// missed since (see <see cref="CheckHeadAsync"/>). <b>An exclusive ticket on free keys records at its enqueue</b>:
/// one <c>multi</c> enqueues it, checks it got the ordinal predicted from a read that saw empty queues, and records it
/// over the key state read, so its first head check and records need no request (<c>ZooKeeperRecordingEnqueue</c>).
/// <b>Waiting is event-driven (rule 5)</b>: a waiter sets an exists-watch on its
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
    private readonly ServerClock _clock;
    private readonly LockSessionStateNotifier _events;
    private readonly ZooKeeperOwnTickets _tickets = new();
    private readonly ZooKeeperCallGuard _guard;
    private readonly ZooKeeperLossMonitor _loss;
    private readonly ZooKeeperKeyStateStore _keyStates;
    private readonly ZooKeeperQueueReader _queues;
    private readonly ZooKeeperRecordingEnqueue _recording;
    private readonly ZooKeeperTicketEnqueuer _enqueuer;
    private readonly ZooKeeperTicketRemover _remover;
    private int _disposed;

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
        options ??= new ZooKeeperLockStoreOptions();
        ZooKeeperPath.Validate(options.RootPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EnqueueAttempts, 1);
        var paths = new LockNodePaths(options.RootPath);
        _clock = new ServerClock(options.TimeProvider);
        _events = new LockSessionStateNotifier(this, () => SessionState);
        var nodes = new ProtectedNodes(client, paths.Root);
        var orphans = new GuaranteedDeletes(nodes, IsDisposed);
        _guard = new ZooKeeperCallGuard(this, IsDisposed, client, _tickets);
        _loss = new ZooKeeperLossMonitor(client, _tickets, paths.Root, options, _events, orphans, IsDisposed);
        _keyStates = new ZooKeeperKeyStateStore(client, paths, _clock, _tickets, _loss);
        _queues = new ZooKeeperQueueReader(client, paths, _tickets, _loss);
        _recording = new ZooKeeperRecordingEnqueue(client, paths, _clock, _keyStates);
        _enqueuer = new ZooKeeperTicketEnqueuer(client, options, paths, _clock, _recording, _keyStates, _tickets, _loss, nodes, orphans);
        _remover = new ZooKeeperTicketRemover(client, paths, _tickets, _keyStates, nodes);
        _client.ConnectionStateChanged += _loss.OnConnectionStateChanged;
        _client.Acknowledged += _loss.OnAcknowledged;
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

    /// <summary>
    /// Tests only: called before (committed = false) and after (committed = true) each enqueue multi with the attempt
    /// number; an exception returned is thrown there, as if the reply had been lost.
    /// </summary>
    internal Func<int, bool, Exception?>? EnqueueFault
    {
        get => _enqueuer.Fault;
        set => _enqueuer.Fault = value;
    }

    /// <summary>Tests only: an exception returned is thrown in place of the recording enqueue's look at the key nodes.</summary>
    internal Func<Exception?>? RecordingLookFault
    {
        get => _recording.LookFault;
        set => _recording.LookFault = value;
    }

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

        return _guard.RunAsync(() =>
        {
            ObjectDisposedException.ThrowIf(IsDisposed(), this);
            return _enqueuer.EnqueueAsync(keys, mode, cancellationToken);
        });
    }

    /// <inheritdoc />
    /// <remarks>
    /// One round trip to the connected server without a <c>sync</c>, strong all the same (rule 1 of docs/design.md):
    /// see the class remarks, and <c>ZooKeeperQueueReader.CheckHeadAsync</c> for the argument.
    /// </remarks>
    public Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return _guard.RunForTicketAsync(ticket, HeadCheck.Gone, () => _queues.CheckHeadAsync(ticket, cancellationToken));
    }

    /// <inheritdoc />
    public Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return _guard.RunAsync(() => _queues.WaitForChangeAsync(ticket, cancellationToken));
    }

    /// <inheritdoc />
    public Task<VersionedKeyState> GetKeyStateAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _guard.RunAsync(() => _keyStates.ReadStronglyAsync(key, cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>multi</c>: <c>check</c> of the ticket's own node on the key and <c>setData</c> of the key node at
    /// <see cref="VersionedKeyState.Version"/>, applied both or neither.
    /// </remarks>
    public Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(expected);
        if (expected.Version is < -1 or > int.MaxValue)
        {
            throw new ArgumentException($"Version {expected.Version} was not read by a ZooKeeper lock store.", nameof(expected));
        }

        return _guard.RunForTicketAsync(ticket, RecordResult.TicketGone, () => _keyStates.TryRecordAcquiredAsync(ticket, position, expected, cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Clean, with the versions this store's own records produced: ONE <c>multi</c> of the clean-release records and
    /// the deletion of the ticket's nodes; else, per key, a compare-and-set that records only for the last acquirer
    /// (rule 3), then the deletions.
    /// </remarks>
    public Task ReleaseAsync(LockTicket ticket, CleanRelease? clean, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return _guard.RunForTicketAsync(ticket, true, async () =>
        {
            await _remover.ReleaseAsync(ticket, clean, cancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _guard.RunAsync(() => _queues.ReadQueueAsync(key, cancellationToken));
    }

    /// <inheritdoc />
    public Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _guard.RunAsync(() => _remover.ForceRemoveAsync(entry, cancellationToken));
    }

    /// <summary>Closes the session if the store owns the client (its tickets go at once); otherwise removes its tickets.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _client.ConnectionStateChanged -= _loss.OnConnectionStateChanged;
        _client.Acknowledged -= _loss.OnAcknowledged;
        var remaining = _tickets.All();
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

    private bool IsDisposed() => Volatile.Read(ref _disposed) != 0;
}
