using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The short lock path of an exclusive ticket on keys nobody queues for: enter the queues AND record the acquisition
/// in the enqueue's one <c>multi</c>, so an uncontended critical section costs two writes (this one and the release)
/// instead of three.
/// </summary>
/// <remarks>
/// <para>
/// First one read of the key nodes (<c>multiRead</c> of their data, one request to the local server). Only if no key
/// node has a child, the plan is: <c>create</c> each key node the read found none of (a key never locked: its first
/// lock then costs no write of its own); then per key <c>create</c> the ticket's sequential node; <c>check</c> that it
/// got the name predicted from the key node's child version as read; <c>setData</c> of the key state recording the
/// predicted ordinal as acquirer, at the data version as read. ZooKeeper applies all of it or nothing.
/// </para>
/// <para>
/// The prediction: a sequential name is the parent's count of children ever created, and the <c>cversion</c> a server
/// reports is that count twice minus the children present (creates plus deletes), so with no child it is twice the
/// next sequence. Every create moves the count; so the <c>check</c> passes only if no child was created since the read,
/// which saw none: the ticket is alone in every queue, hence first, and stays first until it is removed (later tickets
/// get higher sequences). The <c>setData</c> passes only if the key state is the one read. That is exactly the head
/// check and the conditional record of rules 1 and 6 (docs/design.md) made at one instant, atomically with the enqueue:
/// a ticket records only while queued, over the state version it decided on. The reply confirms it without relying on
/// the prediction: the key node's stat after the record must show exactly one child (<see cref="Complete"/>).
/// </para>
/// <para>
/// A refused plan (<see cref="BadVersionException"/>, <see cref="NoNodeException"/> or
/// <see cref="NodeExistsException"/>: someone queued, left, recorded or created the key node in between) changed
/// nothing; the ticket is then enqueued the plain way. Keys that are queued for take the plain way at once, after the
/// one read.
/// </para>
/// </remarks>
internal sealed class ZooKeeperRecordingEnqueue(ZooKeeperClient client, LockNodePaths paths, ServerClock clock, ZooKeeperKeyStateStore keyStates)
{
    /// <summary>Tests only: an exception returned is thrown in place of the look at the key nodes, as if it had failed.</summary>
    public Func<Exception?>? LookFault { get; set; }

    /// <summary>
    /// The plan for <paramref name="ticketId"/> on <paramref name="keys"/>, or null when a queue
    /// is not empty or the read was cut off (the plain enqueue is then the way).
    /// </summary>
    public async Task<RecordingEnqueuePlan?> PlanAsync(string ticketId, IReadOnlyList<string> keys, byte[] ticketData, CancellationToken cancellationToken)
    {
        var keyPaths = paths.KeyPaths(keys);
        IReadOnlyList<ZooKeeperData?> nodes;
        try
        {
            if (LookFault?.Invoke() is { } fault)
            {
                throw fault;
            }

            (_, nodes) = await client.MultiReadAsync([], keyPaths, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectionLossException or SessionExpiredException or SessionMovedException)
        {
            return null; // the look is only a shortcut: the plain enqueue has its own recovery from these
        }

        // The key nodes the look found exist for good (never deleted, rule 2): a plain enqueue sends no create for them.
        keyStates.NoteKeyNodes(keys.Where((_, i) => nodes[i] is not null).ToArray());
        if (nodes.Any(n => n is not null && (n.Stat.NumChildren != 0 || n.Stat.Cversion % 2 != 0)))
        {
            return null; // a queue, or a child version that does not read as 2 x creates: the plain way
        }

        var acquiredAt = clock.UtcNow;
        var before = new VersionedKeyState[keys.Count];
        var recorded = new KeyLockState[keys.Count];

        // The creates of missing key nodes come first, then three operations per key (PerKey), so the reply is read
        // by position (Complete). A key never locked gets its node in this multi, empty, and the rest of its plan is
        // the one for an empty node of data version 0 and child version 0. Key nodes are never deleted (rule 2), so a
        // node missing when the create applies has never had a ticket; if another client created it since the look,
        // the create is refused and the multi with it.
        var ops = new List<ZooKeeperOp>(keys.Count * 4);
        for (var i = 0; i < keys.Count; i++)
        {
            if (nodes[i] is null)
            {
                ops.Add(ZooKeeperOp.Create(keyPaths[i], KeyStateRecord.Encode(KeyLockState.Empty), CreateMode.Persistent));
            }
        }

        for (var i = 0; i < keys.Count; i++)
        {
            var node = nodes[i];
            before[i] = node is null ? new VersionedKeyState(KeyLockState.Empty, 0) : ZooKeeperKeyStateStore.StateOf(node);
            var predicted = new TicketPosition(keys[i], ((node?.Stat.Cversion ?? 0) / 2) + 1L); // ordinal = sequence + 1
            recorded[i] = before[i].State.AcquiredBy(predicted.Ordinal, acquiredAt);
            ops.Add(paths.CreateTicket(keys[i], ticketId, ticketData));
            ops.Add(ZooKeeperOp.Check(paths.NodePath(ticketId, predicted), -1));
            ops.Add(ZooKeeperOp.SetData(keyPaths[i], KeyStateRecord.Encode(recorded[i]), (int)before[i].Version));
        }

        return new RecordingEnqueuePlan(ops, keys, before, recorded);
    }

    /// <summary>
    /// What the committed multi did: the created nodes' paths and, per key, the state the record left with its new
    /// version (the servers' time of the record teaches the clock). <see cref="RecordingEnqueueOutcome.Alone"/> is true
    /// when every key node showed exactly one child right after the record, as the prediction promises; were a server
    /// ever to number children otherwise, the ticket is then treated as an ordinary one (a real head check; at worst
    /// a ticket ahead of it reads a later acquirer and gives up its hold as lost — never two holders, since a holder
    /// ahead of it would have changed the key state it recorded over).
    /// </summary>
    public static RecordingEnqueueOutcome Complete(RecordingEnqueuePlan plan, IReadOnlyList<ZooKeeperOpResult> results, ServerClock clock, DateTimeOffset sentAt)
    {
        var created = new string[plan.Keys.Count];
        var prerecords = new Dictionary<string, Prerecord>(StringComparer.Ordinal);
        var alone = true;
        var firstKey = results.Count - (plan.Keys.Count * RecordingEnqueuePlan.PerKey); // after the key nodes' creates
        for (var i = 0; i < plan.Keys.Count; i++)
        {
            var at = firstKey + (i * RecordingEnqueuePlan.PerKey);
            created[i] = results[at].Path!;
            var stat = results[at + 2].Stat!;
            clock.Observe(sentAt, clock.LocalNow, stat.Mtime);
            prerecords[plan.Keys[i]] = new Prerecord(plan.Before[i].Version, new VersionedKeyState(plan.Recorded[i], stat.Version));
            alone &= stat.NumChildren == 1;
        }

        return new RecordingEnqueueOutcome(created, new HeadCheck(HeadStatus.Head, plan.Before), prerecords, alone);
    }
}

/// <summary>
/// The multi of a recording enqueue on <see cref="Keys"/> (the creates of missing key nodes, then per key the ticket's
/// create, the <c>check</c> of its predicted name and the record), and per key the state before and after its record.
/// </summary>
internal sealed record RecordingEnqueuePlan(
    IReadOnlyList<ZooKeeperOp> Operations,
    IReadOnlyList<string> Keys,
    IReadOnlyList<VersionedKeyState> Before,
    IReadOnlyList<KeyLockState> Recorded)
{
    /// <summary>Operations per key after the key nodes' creates: the ticket's create, the check, the record.</summary>
    public const int PerKey = 3;
}

/// <summary>The record a recording enqueue made on one key: the state version it recorded over, and what it left.</summary>
internal sealed record Prerecord(long RecordedOver, VersionedKeyState Left);

/// <summary>
/// A recording enqueue that committed: the ticket's nodes, the head check it stands for (first everywhere, with the key
/// states as they were just before the record), per key the record it made, and whether the reply
/// confirmed the ticket alone in every queue (only then does it answer the first head check and records).
/// </summary>
internal sealed record RecordingEnqueueOutcome(IReadOnlyList<string> Created, HeadCheck Head, IReadOnlyDictionary<string, Prerecord> Prerecords, bool Alone);
