using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Entering the queues (rule 4): one multi of protected creates per ticket — for an exclusive ticket on free keys one
/// that records the acquisition too (<see cref="ZooKeeperRecordingEnqueue"/>); the recovery of an enqueue whose reply
/// was lost (look for the ticket's nodes before retrying); and the guaranteed removal of attempts abandoned half-way, so
/// no orphan blocks a queue.
/// </summary>
internal sealed class ZooKeeperTicketEnqueuer(
    ZooKeeperClient client,
    ZooKeeperLockStoreOptions options,
    LockNodePaths paths,
    ServerClock clock,
    ZooKeeperRecordingEnqueue recording,
    ZooKeeperKeyStateStore keyStates,
    ZooKeeperOwnTickets tickets,
    ZooKeeperLossMonitor loss,
    ProtectedNodes nodes,
    GuaranteedDeletes orphans)
{
    /// <summary>
    /// Tests only: called before (committed = false) and after (committed = true) each enqueue multi with the attempt
    /// number; an exception returned is thrown there, as if the reply had been lost.
    /// </summary>
    public Func<int, bool, Exception?>? Fault { get; set; }

    public async Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, TicketMode mode, CancellationToken cancellationToken)
    {
        await orphans.RetryAsync(cancellationToken).ConfigureAwait(false);
        var ticketId = mode.IdPrefix + Guid.NewGuid().ToString("N");
        var sent = false;
        try
        {
            return await EnqueueAttemptsAsync(ticketId, keys, mode, () => sent = true, cancellationToken).ConfigureAwait(false);
        }
        catch when (sent)
        {
            // Whatever failed after a multi was sent — its reply lost, the search for it cut short, the caller
            // cancelling, the adoption's own reads failing — the ticket may exist in a session that lives on, and its
            // caller never got it. Remove it now and keep retrying, even if this store is never called again: an
            // orphan would block the queues for the rest of the session (rule 6 of docs/design.md).
            orphans.Add(TicketNodeName.PrefixOf(ticketId), paths.KeyPaths(keys));
            orphans.RetryInBackground();
            throw;
        }
    }

    private async Task<LockTicket> EnqueueAttemptsAsync(string ticketId, IReadOnlyList<string> keys, TicketMode mode, Action onSend, CancellationToken cancellationToken)
    {
        var data = new TicketRecord(ticketId, keys).Encode();
        var plain = keys.Select(k => paths.CreateTicket(k, ticketId, data)).ToArray();

        // Only an exclusive ticket records when it acquires (readers and permits record nothing), and it tries once:
        // a refusal means someone else is busy on the keys.
        var mayRecord = mode.Kind == TicketModeKind.Exclusive;
        var recordingSent = false;
        for (var attempt = 1; ; attempt++)
        {
            RecordingEnqueuePlan? plan = null;
            if (mayRecord)
            {
                // The recording plan creates the key nodes it finds missing, in its own multi.
                await keyStates.EnsureRootAsync(cancellationToken).ConfigureAwait(false);
                plan = await recording.PlanAsync(ticketId, keys, data, cancellationToken).ConfigureAwait(false);
                mayRecord = false;
            }

            if (plan is null)
            {
                await keyStates.EnsureKeyNodesAsync(keys, cancellationToken).ConfigureAwait(false);
            }

            IReadOnlyList<string> created;
            RecordingEnqueueOutcome? prerecorded = null;
            try
            {
                ThrowInjectedFault(attempt, committed: false);
                onSend();
                recordingSent |= plan is not null;
                var sentAt = clock.LocalNow;
                var results = await client.MultiAsync(plan?.Operations ?? plain, cancellationToken).ConfigureAwait(false);
                ThrowInjectedFault(attempt, committed: true);
                if (plan is not null)
                {
                    keyStates.NoteKeyNodes(keys);
                    var outcome = ZooKeeperRecordingEnqueue.Complete(plan, results, clock, sentAt);
                    prerecorded = outcome.Alone ? outcome : null;
                    created = outcome.Created;
                }
                else
                {
                    created = results.Select(r => r.Path!).ToArray();
                }
            }
            catch (Exception e) when (plan is not null && e is BadVersionException or NoNodeException or NodeExistsException)
            {
                continue; // the recording multi was refused as a whole (a queue, a key state or a key node moved): enqueue plainly
            }
            catch (Exception e) when (e is ConnectionLossException or SessionMovedException)
            {
                // Ambiguous: the multi may have committed. Look for our id before trying again.
                if (await nodes.FindCreatedAsync(paths.KeyPaths(keys), TicketNodeName.PrefixOf(ticketId), cancellationToken).ConfigureAwait(false) is { } found)
                {
                    created = found;
                }
                else if (attempt < options.EnqueueAttempts)
                {
                    continue;
                }
                else
                {
                    throw;
                }
            }
            catch (SessionExpiredException) when (attempt < options.EnqueueAttempts)
            {
                continue; // the session's nodes are gone with it; the next try runs in the new session
            }
            catch (NoNodeException) when (attempt < options.EnqueueAttempts)
            {
                keyStates.ForgetKnownKeyNodes(); // someone deleted a key node; recreate it
                continue;
            }

            return await AdoptAsync(ticketId, keys, created, prerecorded, recordingSent, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Builds and tracks the ticket, and watches its own nodes (their deletion by others is a forced release).</summary>
    /// <remarks>
    /// A ticket whose enqueue sent a recording multi is marked <see cref="LockTicket.RecordedAtEnqueue"/> even when the
    /// reply was lost and the nodes were found afterwards: the record may have been made, so the hold lease must count
    /// from before it. Only a reply in hand lets the first head check and records be answered from it.
    /// </remarks>
    private async Task<LockTicket> AdoptAsync(
        string ticketId, IReadOnlyList<string> keys, IReadOnlyList<string> created, RecordingEnqueueOutcome? prerecorded, bool recordingSent, CancellationToken cancellationToken)
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
        var provisional = new LockTicket(ticketId, ZooKeeperLockStore.FormatSessionId(client.SessionId), positions, loss.LeaseOf(client.SessionId));
        var tracked = new TrackedTicket(provisional, loss.OnDeletedByOther) { Prerecorded = prerecorded };
        var stats = await Task.WhenAll(created.Select(path => client.ExistsAsync(path, tracked.OwnNodeWatcher, cancellationToken))).ConfigureAwait(false);
        var owner = stats.FirstOrDefault(s => s is not null)?.EphemeralOwner ?? client.SessionId;
        var ticket = owner == client.SessionId || owner == 0 ? provisional : new LockTicket(ticketId, ZooKeeperLockStore.FormatSessionId(owner), positions, loss.LeaseOf(owner));
        if (!ReferenceEquals(ticket, provisional))
        {
            tracked = new TrackedTicket(ticket, loss.OnDeletedByOther) { Prerecorded = prerecorded };
            await Task.WhenAll(created.Select(path => client.ExistsAsync(path, tracked.OwnNodeWatcher, cancellationToken))).ConfigureAwait(false);
        }

        if (recordingSent)
        {
            ticket.MarkRecordedAtEnqueue();
        }

        tickets.Track(tracked);
        if (stats.Any(s => s is null))
        {
            await loss.NoticeGoneAsync(ticket).ConfigureAwait(false); // removed before we could even watch it
        }

        return ticket;
    }

    private void ThrowInjectedFault(int attempt, bool committed)
    {
        if (Fault?.Invoke(attempt, committed) is { } fault)
        {
            throw fault;
        }
    }
}
