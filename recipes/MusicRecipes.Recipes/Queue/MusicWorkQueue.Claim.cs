using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Queue;

// Claiming: each item is a key of its own, claimed under the item's lock (rule 1) and settled at the claim's fencing
// timestamp; a claim whose hold was lost is put back, and orphans of crashed workers are adopted.
public sealed partial class MusicWorkQueue
{
    /// <summary>
    /// One discovery round: claims the first claimable item and returns the claim (holding the item's lock), or
    /// <c>null</c> when nothing is claimable right now.
    /// </summary>
    /// <example>
    /// <code>
    /// await using var claim = await queue.TryClaimNextAsync(ct);
    /// if (claim is not null) { await ProcessAsync(claim.Item, ct); await claim.CompleteAsync(ct); }
    /// </code>
    /// </example>
    public async Task<WorkItemClaim?> TryClaimNextAsync(CancellationToken cancellationToken = default)
    {
        await _discoveryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RetryOrphansAsync().ConfigureAwait(false);
            var producers = await ReadProducersAsync(_client.GetAsync, cancellationToken).ConfigureAwait(false);

            // Start at a random producer so workers of many sites spread over the producers instead of all
            // contending for the same first item.
            var offset = producers.Length == 0 ? 0 : Random.Shared.Next(producers.Length);
            var tally = new DiscoveryTally();
            for (var i = 0; i < producers.Length; i++)
            {
                var producer = producers[(i + offset) % producers.Length];
                var claim = await TryClaimFromAsync(producer, tally, cancellationToken).ConfigureAwait(false);
                if (claim is not null)
                {
                    return claim;
                }
            }

            if (tally.Looked > 0)
            {
                _logger.FoundNothing(WorkerId, Name, tally);
            }

            return null;
        }
        finally
        {
            _discoveryGate.Release();
        }
    }

    /// <summary>Waits (polling with backoff: MUSIC has no watch on data) until an item can be claimed, and claims it.</summary>
    /// <example>
    /// <code>
    /// await using var claim = await queue.ClaimNextAsync(stoppingToken);
    /// </code>
    /// </example>
    public async Task<WorkItemClaim> ClaimNextAsync(CancellationToken cancellationToken = default)
    {
        var backoff = new Backoff(_options.PollInterval, _options.MaxPollInterval, _options.TimeProvider);
        while (true)
        {
            var claim = await TryClaimNextAsync(cancellationToken).ConfigureAwait(false);
            if (claim is not null)
            {
                return claim;
            }

            await backoff.DelayAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Settle(WorkItemId id)
    {
        _foreignClaims.Forget(id);
        if (_cursors.TryGetValue(id.Producer, out var cursor))
        {
            lock (cursor)
            {
                cursor.Settle(id.Sequence);
            }
        }
    }

    internal void EndClaim(WorkItemId id) => _inFlight.TryRemove(id, out _);

    /// <summary>Remembers a claim whose clean-up failed (for example while this site was cut off), to retry it.</summary>
    internal void AdoptOrphan(WorkItemClaim claim) => _orphans.TryAdd(claim, 0);

    internal void ForgetOrphan(WorkItemClaim claim) => _orphans.TryRemove(claim, out _);

    private async Task RetryOrphansAsync()
    {
        foreach (var claim in _orphans.Keys)
        {
            try
            {
                await claim.CleanUpAsync().ConfigureAwait(false);
                _orphans.TryRemove(claim, out _);
            }
            catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
            {
                _logger.CleanupFails(ex, claim.Item.Id);
            }
        }
    }

    private async Task<WorkItemClaim?> TryClaimFromAsync(string producer, DiscoveryTally tally, CancellationToken cancellationToken)
    {
        var cursor = _cursors.GetOrAdd(producer, static _ => new ProducerCursor());
        var mark = DecodeMark(await _client.GetAsync(RecipeKeys.QueueHighWaterMark(Name, producer), cancellationToken).ConfigureAwait(false));
        long from;
        lock (cursor)
        {
            from = cursor.LowWater + 1;
        }

        bool IsOpen(long sequence)
        {
            lock (cursor)
            {
                return !cursor.IsSettled(sequence) && !_inFlight.ContainsKey(new WorkItemId(producer, sequence));
            }
        }

        foreach (var sequence in ClaimOrder.Of(from, mark, IsOpen, Random.Shared))
        {
            var id = new WorkItemId(producer, sequence);
            if (!IsOpen(sequence))
            {
                continue; // settled or claimed by this worker since the order was taken
            }

            tally.Looked++;
            var peek = await PeekItemAsync(id, cancellationToken).ConfigureAwait(false);
            if (peek.MarkedDone)
            {
                tally.MarkedDone++;
                Settle(id);
                continue;
            }

            if (peek.TakenElsewhere && _foreignClaims.Defer(id))
            {
                tally.Deferred++;
                continue;
            }

            if (ClaimIntent.HoldsOff(peek.Intent, WorkerId, TimeProvider, _options.ClaimIntentTrust))
            {
                tally.HeldOff++;
                continue; // another worker is trying its lock right now
            }

            // Read only for an item worth a lock attempt: an item left to others would be read again every round. The
            // payload is immutable and eventual-only; missing here means it has not reached this site yet.
            var payload = await _client.GetAsync(RecipeKeys.QueuePayload(Name, producer, sequence), cancellationToken).ConfigureAwait(false);
            if (payload is null)
            {
                tally.NotHere++;
                continue;
            }

            await AnnounceIntentAsync(id, cancellationToken).ConfigureAwait(false);
            var claim = await TryClaimAsync(new WorkItem(Name, id, payload), tally, cancellationToken).ConfigureAwait(false);
            if (claim is not null)
            {
                return claim;
            }
        }

        return null;
    }

    /// <summary>
    /// Writes the done marker of an item whose Done was acknowledged under its lock (best effort: without it, other
    /// workers learn the item is done under its lock, as they would anyway).
    /// </summary>
    internal async Task MarkDoneAsync(WorkItemId id, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutAsync(RecipeKeys.QueueDoneMarker(Name, id.Producer, id.Sequence), [1], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is OperationCanceledException)
        {
            _logger.LogDebug(ex, "Could not write the done marker of {Item}; other workers will learn it under its lock", id);
        }
    }

    /// <summary>
    /// Reads, at the local replica and all at once, what decides whether an item is worth a lock attempt: its done
    /// marker, its state and its claim intent. Settling on the marker is safe, unlike settling on a replica's state: the
    /// marker is written only after Done was acknowledged under the item's lock, and no holder ever changes a Done item
    /// (each later holder reads Done critically and releases), whereas a replica's Done may be the partial write of a
    /// completion that failed and is then overwritten by a recovery. The state only says whether another worker seems
    /// to have the item (a hint, see <see cref="ForeignClaims"/>): claimed by another worker, or done (whose marker
    /// has not arrived yet).
    /// </summary>
    private async Task<ItemPeek> PeekItemAsync(WorkItemId id, CancellationToken cancellationToken)
    {
        var marker = _client.GetAsync(RecipeKeys.QueueDoneMarker(Name, id.Producer, id.Sequence), cancellationToken);
        var state = _client.GetAsync(RecipeKeys.QueueState(Name, id.Producer, id.Sequence), cancellationToken);
        var intent = _options.ClaimIntentTrust > TimeSpan.Zero
            ? _client.GetAsync(RecipeKeys.QueueClaimIntent(Name, id.Producer, id.Sequence), cancellationToken)
            : Task.FromResult<byte[]?>(null);
        await Task.WhenAll(marker, state, intent).ConfigureAwait(false);
        var takenElsewhere = await state.ConfigureAwait(false) is { } json
            && JsonSerializer.Deserialize<WorkItemStatus>(json) is { } status
            && (status.State == WorkItemState.Done || (status.State == WorkItemState.Claimed && !string.Equals(status.Worker, WorkerId, StringComparison.Ordinal)));
        return new ItemPeek(await marker.ConfigureAwait(false) is not null, takenElsewhere, await intent.ConfigureAwait(false));
    }

    /// <summary>Writes this worker's <see cref="ClaimIntent"/> for an item (best effort: without it, others may try too).</summary>
    private async Task AnnounceIntentAsync(WorkItemId id, CancellationToken cancellationToken)
    {
        if (_options.ClaimIntentTrust <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await _client.PutAsync(RecipeKeys.QueueClaimIntent(Name, id.Producer, id.Sequence), ClaimIntent.Encode(WorkerId, TimeProvider), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
        {
            _logger.LogDebug(ex, "Could not announce the claim of {Item}; trying its lock anyway", id);
        }
    }

    private readonly record struct ItemPeek(bool MarkedDone, bool TakenElsewhere, byte[]? Intent);

    private async Task<WorkItemClaim?> TryClaimAsync(WorkItem item, DiscoveryTally tally, CancellationToken cancellationToken)
    {
        var stateKey = RecipeKeys.QueueState(Name, item.Id.Producer, item.Id.Sequence);
        MusicCriticalSection? section;
        try
        {
            section = await new MusicMutex(_client, new[] { stateKey }, _logger).TryAcquireAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (LockLostException ex)
        {
            // Our session ended under the attempt; the next round uses a fresh session.
            _logger.SessionLostWhileTrying(ex, WorkerId, item.Id);
            tally.SessionLost++;
            return null;
        }

        if (section is null)
        {
            tally.Busy++;
            CountLockAttempt("busy");
            return null; // a live worker holds it
        }

        using var activity = RecipeTelemetry.Start("music.recipe.queue.claim", "work-queue", _client);
        activity?.SetTag(RecipeTelemetry.QueueTag, Name);
        activity?.SetTag(RecipeTelemetry.ItemTag, item.Id.ToString());
        activity?.SetTag(RecipeTelemetry.FencingTag, section.FencingToken.Value);
        try
        {
            var status = await ReadStatusAsync(section, stateKey, cancellationToken).ConfigureAwait(false);
            if (status.State == WorkItemState.Done || status.DeclinedBy.Contains(WorkerId, StringComparer.Ordinal))
            {
                activity?.SetTag(RecipeTelemetry.OutcomeTag, status.State == WorkItemState.Done ? "done" : "declined");
                await section.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                Settle(item.Id);
                tally.Settled++;
                CountLockAttempt("settled");
                return null;
            }

            // Claimed by someone else, yet we hold the lock: that worker lost its lock (crashed or expired) mid-item.
            var recoveredFrom = status.State == WorkItemState.Claimed ? status.Worker : null;
            var claimed = new WorkItemStatus(WorkItemState.Claimed, WorkerId, section.FencingToken.Value, status.Attempt + 1, status.DeclinedBy);

            // The claim's record is pipelined (in flight while the worker starts on the item): its fencing timestamp is
            // taken now, so the outcome written later wins wherever they meet (rule 2), even if it lands first; the
            // claim waits for the record before it returns from writing the outcome, and the release waits for every
            // write in flight (rule 3). Not tied to the caller's token, which may end once the claim is handed over.
            var claimedWrite = section.PutJsonAsync(stateKey, claimed, cancellationToken: CancellationToken.None);
            _inFlight[item.Id] = 0;
            _foreignClaims.Forget(item.Id);
            var outcome = recoveredFrom is null ? "claimed" : "recovered";
            activity?.SetTag(RecipeTelemetry.OutcomeTag, outcome);
            RecipeTelemetry.QueueItems.Add(1, new KeyValuePair<string, object?>(RecipeTelemetry.OutcomeTag, outcome));
            CountLockAttempt("claimed");
            if (recoveredFrom is not null)
            {
                _logger.Recovers(WorkerId, item.Id, recoveredFrom, claimed.Attempt);
            }

            return new WorkItemClaim(this, item, section, stateKey, claimed, recoveredFrom, claimedWrite);
        }
        catch (Exception ex)
        {
            RecipeTelemetry.Fail(activity, ex);
            await ReleaseQuietlyAsync(section).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// An item's status, read critically under its lock. An item's state is written only under that lock, so the first
    /// holder of the lock ever knows the item is as submitted without reading a quorum (<see cref="LockRef.IsFirstHolderOf"/>:
    /// no earlier holder, hence no critical write; the queue never writes a state key eventually).
    /// </summary>
    private static async Task<WorkItemStatus> ReadStatusAsync(MusicCriticalSection section, string stateKey, CancellationToken cancellationToken) =>
        section.LockRef.IsFirstHolderOf(stateKey)
            ? WorkItemStatus.Submitted
            : await section.GetJsonAsync<WorkItemStatus>(stateKey, cancellationToken: cancellationToken).ConfigureAwait(false) ?? WorkItemStatus.Submitted;

    private static void CountLockAttempt(string outcome) =>
        RecipeTelemetry.QueueLockAttempts.Add(1, new KeyValuePair<string, object?>(RecipeTelemetry.OutcomeTag, outcome));

    private async Task ReleaseQuietlyAsync(MusicCriticalSection section)
    {
        try
        {
            await section.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
        {
            // The ticket stays until the session ends; the item is then recovered by whoever locks it next.
            _logger.CouldNotRelease(ex, Name);
        }
    }
}
