using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

// Entering the queues (rule 4): one multi per ticket; the recovery of an enqueue whose reply was lost (look for the
// ticket's nodes before retrying); and the background removal of attempts abandoned half-way, so no orphan blocks a queue.
public sealed partial class ZooKeeperLockStore
{
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

    private void ThrowInjectedFault(int attempt, bool committed)
    {
        if (EnqueueFault?.Invoke(attempt, committed) is { } fault)
        {
            throw fault;
        }
    }
}
