using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Leaving the queues: a clean release recorded in one step with the removal where it can be (rule 3), removal of our
/// own nodes, and forced removal of someone else's ticket.
/// </summary>
internal sealed class ZooKeeperTicketRemover(ZooKeeperClient client, LockNodePaths paths, ZooKeeperOwnTickets tickets, ZooKeeperKeyStateStore keyStates, ProtectedNodes nodes)
{
    /// <summary>
    /// Clean, with the versions this store's own records produced: ONE <c>multi</c> — per key a <c>setData</c> of the
    /// clean-release state at the version our record left (so it applies only if nobody changed the key's state since:
    /// only the last acquirer records a clean release, rule 3) and the deletion of the ticket's nodes — 1 request.
    /// If that fails, or the versions are unknown, the careful path: per key a compare-and-set (<c>getData</c> +
    /// <c>setData</c>) that records only for the last acquirer, then the deletions.
    /// </summary>
    public async Task ReleaseAsync(LockTicket ticket, CleanRelease? clean, CancellationToken cancellationToken)
    {
        var recorded = tickets.TryGet(ticket.Id, out var tracked) ? tracked.Recorded : null;
        tickets.MarkRemovedByUs(ticket);
        if (ticket.SessionId != ZooKeeperLockStore.FormatSessionId(client.SessionId))
        {
            tickets.Forget(ticket.Id); // its nodes went with its session
            return;
        }

        if (clean is not null && recorded is not null && await TryReleaseInOneStepAsync(ticket, clean, recorded, cancellationToken).ConfigureAwait(false))
        {
            tickets.Forget(ticket.Id);
            return;
        }

        if (clean is not null)
        {
            for (var i = 0; i < ticket.Positions.Count; i++)
            {
                var position = ticket.Positions[i];
                var lastWrite = clean.LastWriteAt(i);
                await keyStates.UpdateAsync(
                    position.Key,
                    state => state.LastAcquired == position.Ordinal ? state with { LastCleanRelease = position.Ordinal, LastWrite = lastWrite } : null,
                    cancellationToken).ConfigureAwait(false);
            }
        }

        await RemoveOwnAsync(ticket, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes another session's ticket from every queue it is in: its nodes, found by the ticket id in their names, in
    /// one transaction, so the ticket leaves all its queues at once. False when it was already gone.
    /// </summary>
    public Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken) =>
        nodes.DeleteAllAsync(
            paths.KeyPaths(entry.Keys.Append(entry.Position.Key).Distinct(StringComparer.Ordinal)),
            TicketNodeName.PrefixOf(entry.TicketId),
            cancellationToken);

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
            ops.Add(ZooKeeperOp.SetData(paths.KeyPath(position.Key), KeyStateRecord.Encode(released), (int)mine.Version));
        }

        ops.AddRange(ticket.Positions.Select(p => ZooKeeperOp.Delete(paths.NodePath(ticket.Id, p))));
        try
        {
            await client.MultiAsync(ops, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is BadVersionException or NoNodeException)
        {
            return false; // nothing was applied: the careful path decides key by key
        }
    }

    /// <summary>Deletes the ticket's nodes that are still there; a ticket of an ended session went with it.</summary>
    private async Task RemoveOwnAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.SessionId == ZooKeeperLockStore.FormatSessionId(client.SessionId))
        {
            await Task.WhenAll(ticket.Positions.Select(p => nodes.DeleteIfPresentAsync(paths.NodePath(ticket.Id, p), cancellationToken))).ConfigureAwait(false);
        }

        tickets.Forget(ticket.Id);
    }
}
