using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

// The key state (rules 2, 3 and 6): strong reads, compare-and-set updates at the version read, and the record of an
// acquisition, conditional on the ticket's own node in the same multi.
public sealed partial class ZooKeeperLockStore
{
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
}
