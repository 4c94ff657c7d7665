using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Reading the queues: head checks that are strong without a sync (rule 1 of docs/design.md), event-driven waits on
/// the predecessor (rule 5), and strong reads of a whole queue.
/// </summary>
internal sealed class ZooKeeperQueueReader(ZooKeeperClient client, LockNodePaths paths, ZooKeeperOwnTickets tickets, ZooKeeperLossMonitor loss)
{
    /// <summary>
    /// The children of each key node and each key node's data and version, in one <c>multiRead</c> request — one round
    /// trip to the connected server, no <c>sync</c> through the leader. That is a strong head check all the same
    /// (rule 1 of docs/design.md): the server has applied at least this session's own enqueue, every ticket queued
    /// before it on a key was created before it (its node exists in that view, or was deleted for good), so a view
    /// that shows the ticket first on every key shows a fact that stays true until the ticket itself is removed; and the
    /// acquisition is recorded over exactly the version read, conditional on the ticket's node, so a key state or a
    /// ticket that changed since is caught there. A stale view can only say "waiting" too long, and the predecessor's
    /// watch then fires when the server catches up.
    /// </summary>
    public async Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        if (loss.IsGoneLocally(ticket))
        {
            return HeadCheck.Gone;
        }

        // A recording enqueue found the ticket alone in every queue, which stays true until it is removed, and read the
        // key states its record replaced: that is this head check, made at the enqueue (rule 1).
        if (tickets.TryGet(ticket.Id, out var tracked) && tracked.TakePrerecordedHead() is { } prerecorded)
        {
            return prerecorded;
        }

        // One request, answered by the connected server: every queue and every key state.
        var keyPaths = ticket.Positions.Select(p => paths.KeyPath(p.Key)).ToArray();
        var (children, nodes) = await client.MultiReadAsync(keyPaths, keyPaths, cancellationToken).ConfigureAwait(false);
        var status = HeadStatus.Head;
        for (var i = 0; i < ticket.Positions.Count; i++)
        {
            var position = ticket.Positions[i];
            var queue = children[i] is { } listed ? ToQueue(listed) : [];
            if (!queue.Any(e => e.Ordinal == position.Ordinal && e.TicketId == ticket.Id))
            {
                await loss.NoticeGoneAsync(ticket).ConfigureAwait(false);
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

        // Read after the queues on the same server, so they include the previous holder's last record (its
        // release removed its node and recorded the key state in one multi).
        var states = nodes.Select(ZooKeeperKeyStateStore.StateOf).ToArray();
        return new HeadCheck(HeadStatus.Head, states);
    }

    /// <summary>Completes when a ticket the given one waits behind left, or the ticket is lost (see <see cref="ILockStore.WaitForChangeAsync"/>).</summary>
    public async Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        if (loss.IsGoneLocally(ticket) || !tickets.TryGet(ticket.Id, out var tracked))
        {
            return;
        }

        // Armed before reading, so a departure between the read and the watch still wakes us.
        var change = tracked.ArmChange();
        var watching = false;
        foreach (var position in ticket.Positions)
        {
            var queue = await QueueOfAsync(position.Key, cancellationToken).ConfigureAwait(false);
            if (!queue.Any(e => e.Ordinal == position.Ordinal))
            {
                await loss.NoticeGoneAsync(ticket).ConfigureAwait(false);
                return;
            }

            // Watch only the tickets whose departure can let ours hold: no herd.
            var ahead = queue.TakeWhile(e => e.Ordinal < position.Ordinal).ToArray();
            var blockers = ticket.HoldRule.BlockersAmong(ahead.Select(e => e.TicketId).ToArray());
            foreach (var blocker in ahead.Where(e => blockers.Contains(e.TicketId)))
            {
                var path = ZooKeeperPath.Combine(paths.KeyPath(position.Key), blocker.Name);
                if (await client.ExistsAsync(path, tracked.PredecessorWatcher, cancellationToken).ConfigureAwait(false) is null)
                {
                    return; // left between our read and the watch
                }

                watching = true;
            }
        }

        if (!watching)
        {
            return; // first everywhere by now: the caller's next head check will say so
        }

        var lost = Task.Delay(Timeout.Infinite, ticket.LostToken);
        await Task.WhenAny(change, lost).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The queue of <paramref name="key"/>, synced first, with each entry's session and keys.</summary>
    public async Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken)
    {
        await client.SyncAsync(paths.Root, cancellationToken).ConfigureAwait(false);
        var queue = await QueueOfAsync(key, cancellationToken).ConfigureAwait(false);
        var reads = queue.Select(async entry =>
        {
            try
            {
                var node = await client.GetDataAsync(ZooKeeperPath.Combine(paths.KeyPath(key), entry.Name), null, cancellationToken).ConfigureAwait(false);
                var record = TicketRecord.TryDecode(node.Data);
                return new QueueEntry(entry.TicketId, ZooKeeperLockStore.FormatSessionId(node.Stat.EphemeralOwner), new TicketPosition(key, entry.Ordinal), record?.Keys ?? [key]);
            }
            catch (NoNodeException)
            {
                return null; // left while we read
            }
        });
        return (await Task.WhenAll(reads).ConfigureAwait(false)).OfType<QueueEntry>().ToArray();
    }

    /// <summary>The queue of a key, first entry first (not synced: callers sync when they need a strong read).</summary>
    private async Task<IReadOnlyList<QueueNode>> QueueOfAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return ToQueue((await client.GetChildrenAsync(paths.KeyPath(key), null, cancellationToken).ConfigureAwait(false)).Children);
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

    /// <summary>One queue entry as listed: node name, ticket id, ordinal.</summary>
    private readonly record struct QueueNode(string Name, string TicketId, long Ordinal);
}
