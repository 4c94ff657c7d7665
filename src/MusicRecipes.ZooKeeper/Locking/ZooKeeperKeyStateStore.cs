using System.Collections.Concurrent;
using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The key state (rules 2, 3 and 6) in the data of each key's persistent node: the nodes' creation, strong reads,
/// compare-and-set updates at the version read, and the record of an acquisition, conditional on the ticket's own node
/// in the same multi. Every write teaches the <see cref="ServerClock"/> the servers' time.
/// </summary>
internal sealed class ZooKeeperKeyStateStore(ZooKeeperClient client, LockNodePaths paths, ServerClock clock, ZooKeeperOwnTickets tickets, ZooKeeperLossMonitor loss)
{
    private readonly ConcurrentDictionary<string, byte> _knownKeyNodes = new(StringComparer.Ordinal);
    private volatile bool _rootKnown;

    /// <summary>The state a key node holds and its data version; no node reads as the empty state at version -1.</summary>
    public static VersionedKeyState StateOf(ZooKeeperData? node) =>
        node is null ? new VersionedKeyState(KeyLockState.Empty, -1) : new VersionedKeyState(KeyStateRecord.Decode(node.Data), node.Stat.Version);

    /// <summary>Synced, then read: the key's state as the servers had it when this call began, or later.</summary>
    public async Task<VersionedKeyState> ReadStronglyAsync(string key, CancellationToken cancellationToken)
    {
        await client.SyncAsync(paths.Root, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One <c>multi</c>: <c>check</c> that the ticket's own node on the key still exists, and <c>setData</c> of the key
    /// node at the version read (<see cref="VersionedKeyState.Version"/>). ZooKeeper applies both or neither, so a
    /// ticket removed (or whose session ended) between the head check and this call records nothing.
    /// </summary>
    public async Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken)
    {
        if (loss.IsGoneLocally(ticket))
        {
            return RecordResult.TicketGone;
        }

        // The recording enqueue made this very record (over the same version, while the ticket was queued: rule 6).
        tickets.TryGet(ticket.Id, out var tracked);
        if (tracked?.TakePrerecord(position.Key, expected.Version) is { } prerecorded)
        {
            tracked.Recorded[position.Key] = prerecorded;
            return RecordResult.Recorded;
        }

        var ownNode = paths.NodePath(ticket.Id, position);
        var updated = expected.State.AcquiredBy(position.Ordinal, clock.UtcNow);
        try
        {
            var sentAt = clock.LocalNow;
            var results = await client.MultiAsync(
                [ZooKeeperOp.Check(ownNode, -1), ZooKeeperOp.SetData(paths.KeyPath(position.Key), KeyStateRecord.Encode(updated), (int)expected.Version)],
                cancellationToken).ConfigureAwait(false);
            if (results[1].Stat is { } stat)
            {
                clock.Observe(sentAt, clock.LocalNow, stat.Mtime);
                if (tracked is not null)
                {
                    tracked.Recorded[position.Key] = new VersionedKeyState(updated, stat.Version);
                }
            }

            return RecordResult.Recorded;
        }
        catch (NoNodeException e) when (e.Path == ownNode)
        {
            return RecordResult.TicketGone;
        }
        catch (Exception e) when (e is BadVersionException or NoNodeException)
        {
            return RecordResult.StateChanged; // changed since it was read: the client reads again and decides again
        }
    }

    /// <summary>
    /// Compare-and-set on the key node: <paramref name="change"/> returns the new state, or null to leave it. Returns
    /// what was written with its new version, or null when nothing was.
    /// </summary>
    public async Task<VersionedKeyState?> UpdateAsync(string key, Func<KeyLockState, KeyLockState?> change, CancellationToken cancellationToken)
    {
        var path = paths.KeyPath(key);
        while (true)
        {
            ZooKeeperData node;
            try
            {
                node = await client.GetDataAsync(path, null, cancellationToken).ConfigureAwait(false);
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
                var sentAt = clock.LocalNow;
                var stat = await client.SetDataAsync(path, KeyStateRecord.Encode(updated), node.Stat.Version, cancellationToken).ConfigureAwait(false);
                clock.Observe(sentAt, clock.LocalNow, stat.Mtime);
                return new VersionedKeyState(updated, stat.Version);
            }
            catch (BadVersionException)
            {
                // Someone changed the key's state since we read it: read again and re-decide.
            }
        }
    }

    /// <summary>
    /// Creates the key nodes this store has not seen yet, persistent and never deleted (ordinals never restart, rule 2:
    /// see <see cref="ZooKeeperLockStore"/>), with the empty state; the root too if it is missing.
    /// </summary>
    public async Task EnsureKeyNodesAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            var path = paths.KeyPath(key);
            while (!_knownKeyNodes.ContainsKey(path))
            {
                try
                {
                    var sentAt = clock.LocalNow;
                    var created = await client.CreateAsync(path, KeyStateRecord.Encode(KeyLockState.Empty), CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
                    clock.Observe(sentAt, clock.LocalNow, created.Stat.Ctime);
                }
                catch (NodeExistsException)
                {
                    // Another client locked this key before.
                }
                catch (NoNodeException)
                {
                    // No root (yet, or deleted since this store saw it): create it, then this key's node (the next turn).
                    _rootKnown = false;
                    await EnsureRootAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                _knownKeyNodes[path] = 0;
            }
        }
    }

    /// <summary>
    /// Creates the root if this store has not seen it yet (the recording enqueue creates missing key nodes itself, under
    /// it). A root deleted later makes a key node's create fail; <see cref="EnsureKeyNodesAsync"/> then creates it again.
    /// </summary>
    public async Task EnsureRootAsync(CancellationToken cancellationToken)
    {
        if (!_rootKnown)
        {
            await client.EnsurePathAsync(paths.Root, cancellationToken).ConfigureAwait(false);
            _rootKnown = true;
        }
    }

    /// <summary>The key nodes of <paramref name="keys"/> exist now (a recording enqueue committed on them).</summary>
    public void NoteKeyNodes(IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            _knownKeyNodes[paths.KeyPath(key)] = 0;
        }
    }

    /// <summary>Someone deleted a key node: the next <see cref="EnsureKeyNodesAsync"/> creates every node again.</summary>
    public void ForgetKnownKeyNodes() => _knownKeyNodes.Clear();

    /// <summary>The key node's state and data version (not synced: callers sync first).</summary>
    private async Task<VersionedKeyState> ReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var node = await client.GetDataAsync(paths.KeyPath(key), null, cancellationToken).ConfigureAwait(false);
            return StateOf(node);
        }
        catch (NoNodeException)
        {
            return StateOf(null); // no node: nothing to record over until it exists
        }
    }
}
