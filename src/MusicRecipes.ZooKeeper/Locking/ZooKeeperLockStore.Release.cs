using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

// Leaving the queues: a clean release recorded in one step with the removal where it can be (rule 3), removal of our
// own nodes, and forced removal of someone else's ticket.
public sealed partial class ZooKeeperLockStore
{
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

    /// <inheritdoc />
    public Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return GuardAsync(() => RemoveEverywhereAsync(entry.TicketId, entry.Keys.Append(entry.Position.Key).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken));
    }
}
