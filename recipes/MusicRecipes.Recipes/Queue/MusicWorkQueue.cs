using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// A multi-site work queue with exactly-one claim per item — the placement service of the MUSIC talk: producers
/// submit items at their nearest site with eventual puts; workers at every site discover them, and each item is
/// claimed, processed and completed by one worker at a time.
/// </summary>
/// <remarks>
/// <para><b>Layout</b> (MUSIC cannot list keys, so everything is discoverable from one key): a registry of producer
/// streams (<c>…/producers</c>, changed only in critical sections, once per producer instance); per stream a high-water
/// mark (<c>…/p/{stream}/hwm</c>, written eventually by that stream's one instance alone — a single writer, fixed-width
/// digits so that even Cassandra's equal-timestamp tie-break keeps the larger mark); per item an immutable payload key
/// written eventually and a state key written only with critical puts (eventual and critical writes never share a key,
/// docs/design.md §2).</para>
/// <para><b>Submit</b>: register once (a critical section that also gives this instance a stream of its own, see
/// below), then take the next sequence number, put the payload, raise the high-water mark — all at the local site, no
/// WAN round trip.</para>
/// <para><b>Ids are never reused.</b> The sequence number is taken before anything is written, so a submission that
/// fails — possibly after its writes landed (an ambiguous write) — burns its number, and the next one gets a new number
/// instead of landing on an item a worker may already have completed. Every instance writes its own stream, named in
/// the registering critical section: the producer id the first time, then <c>{id}~2</c>, <c>{id}~3</c>… — so a
/// restarted process with a configured id, or two live instances wrongly given the same id, never number items in the
/// same stream. (Continuing the previous instance's numbers is not possible safely: its eventual high-water mark writes
/// can land arbitrarily late, so no read at start bounds the numbers it used.)</para>
/// <para><b>Claim</b>: read the registry and marks, and for each item not known to be settled, try its lock without
/// waiting; under the lock read its state critically: done → settle it; submitted → claim it; claimed by someone else →
/// that worker lost its lock (crashed, expired) and this one re-claims it (recovery). The lock is held until the item
/// is completed or released, so completion happens under the lock: an item is completed at most once, and an item whose
/// worker dies is never lost. Processing is at-least-once (a recovered item runs again): fence side effects with
/// <see cref="WorkItemClaim.FencingToken"/>.</para>
/// <example>
/// <code>
/// // producer, at its nearest site
/// var queue = new MusicWorkQueue(client, "templates");
/// await queue.SubmitStringAsync("{\"cpu\":4}", ct);
///
/// // worker, at any site
/// await using var claim = await queue.ClaimNextAsync(ct);
/// if (await TryPlaceAsync(claim.Item, claim.FencingToken.Value, claim.LostToken)) { await claim.CompleteAsync(ct); }
/// else { await claim.ReleaseAsync(ct); } // another site takes it
/// </code>
/// </example>
/// </remarks>
public sealed class MusicWorkQueue
{
    private readonly IMusicClient _client;
    private readonly MusicWorkQueueOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _submitGate = new(1, 1);
    private readonly SemaphoreSlim _discoveryGate = new(1, 1);
    private readonly ConcurrentDictionary<string, ProducerCursor> _cursors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<WorkItemId, byte> _inFlight = new();
    private readonly ConcurrentDictionary<WorkItemClaim, byte> _orphans = new();
    private long _sequence;
    private string? _stream;
    private bool _registered;

    /// <summary>Creates a producer and worker of queue <paramref name="queue"/>.</summary>
    /// <exception cref="ArgumentException">The queue name (or the producer id) is empty or contains '/'.</exception>
    public MusicWorkQueue(IMusicClient client, string queue, MusicWorkQueueOptions? options = null, ILogger<MusicWorkQueue>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Name = RecipeKeys.ValidateName(queue, nameof(queue));
        _client = client;
        _options = options ?? new MusicWorkQueueOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ProducerId = RecipeKeys.ValidateName(_options.ProducerId ?? $"{client.Site}-{Guid.NewGuid():N}"[..(client.Site.Length + 9)], nameof(options));
        WorkerId = _options.WorkerId ?? ProducerId;
    }

    /// <summary>The queue name.</summary>
    public string Name { get; }

    /// <summary>
    /// This instance's producer id. The ids of its items (<see cref="WorkItemId.Producer"/>) name the stream this
    /// instance writes: the producer id itself, or <c>{id}~N</c> when an earlier instance already used that id.
    /// </summary>
    public string ProducerId { get; }

    /// <summary>This instance's worker id.</summary>
    public string WorkerId { get; }

    internal IMusicClient Client => _client;

    internal ILogger Logger => _logger;

    /// <summary>
    /// Submits an item with eventual puts at the local site (after a one-time registration of this producer instance,
    /// which is a critical section). When it returns, the item will be processed even if this process dies. When it
    /// throws, the item may or may not be processed, and its sequence number is never used again.
    /// </summary>
    /// <example>
    /// <code>
    /// var id = await queue.SubmitAsync(JsonSerializer.SerializeToUtf8Bytes(template), ct);
    /// </code>
    /// </example>
    public async Task<WorkItemId> SubmitAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        using var activity = RecipeTelemetry.Start("music.recipe.queue.submit", "work-queue", _client);
        activity?.SetTag(RecipeTelemetry.QueueTag, Name);
        await EnsureRegisteredAsync(cancellationToken).ConfigureAwait(false);

        // One submit at a time per producer: the high-water mark must only ever rise, and every item at or below it
        // must already have its payload written (workers skip, and come back to, a payload not yet visible).
        await _submitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Take the number before writing: if a write below fails, it may still have landed (the mark with it), and
            // a worker may complete that item; reusing the number would put the next payload on a done item.
            var id = new WorkItemId(_stream!, ++_sequence);
            activity?.SetTag(RecipeTelemetry.ItemTag, id.ToString());
            try
            {
                await _client.PutAsync(RecipeKeys.QueuePayload(Name, id.Producer, id.Sequence), payload, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException)
            {
                // Rejected before anything was written (too large): the number was never used, so it is given back
                // rather than left as a gap that every worker would re-check in each round.
                _sequence--;
                throw;
            }

            await _client.PutAsync(RecipeKeys.QueueHighWaterMark(Name, id.Producer), EncodeMark(id.Sequence), cancellationToken).ConfigureAwait(false);
            RecipeTelemetry.QueueItems.Add(1, new KeyValuePair<string, object?>(RecipeTelemetry.OutcomeTag, "submitted"));
            return id;
        }
        finally
        {
            _submitGate.Release();
        }
    }

    /// <summary>Submits a UTF-8 string item (see <see cref="SubmitAsync"/>).</summary>
    /// <example>
    /// <code>
    /// await queue.SubmitStringAsync("resize image 42", ct);
    /// </code>
    /// </example>
    public Task<WorkItemId> SubmitStringAsync(string payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return SubmitAsync(Encoding.UTF8.GetBytes(payload), cancellationToken);
    }

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
            for (var i = 0; i < producers.Length; i++)
            {
                var producer = producers[(i + offset) % producers.Length];
                var claim = await TryClaimFromAsync(producer, cancellationToken).ConfigureAwait(false);
                if (claim is not null)
                {
                    return claim;
                }
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
        var backoff = new Backoff(_options.PollInterval, _options.MaxPollInterval);
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

    /// <summary>
    /// Reads an item's status critically: under the item's lock, so it waits while a worker holds the item (up to
    /// <see cref="MusicWorkQueueOptions.LockTimeout"/>) and then returns the latest state.
    /// </summary>
    /// <exception cref="TimeoutException">The item stayed locked for longer than the lock timeout.</exception>
    /// <example>
    /// <code>
    /// var status = await queue.GetStatusAsync(id, ct);
    /// </code>
    /// </example>
    public async Task<WorkItemStatus> GetStatusAsync(WorkItemId id, CancellationToken cancellationToken = default)
    {
        var key = RecipeKeys.QueueState(Name, id.Producer, id.Sequence);
        var section = await new MusicMutex(_client, new[] { key }, _logger).AcquireAsync(_options.LockTimeout, cancellationToken).ConfigureAwait(false);
        await using var sectionScope = section.ConfigureAwait(false);
        return await section.GetJsonAsync<WorkItemStatus>(key, cancellationToken: cancellationToken).ConfigureAwait(false) ?? WorkItemStatus.Submitted;
    }

    internal void Settle(WorkItemId id)
    {
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
            catch (Exception ex) when (ex is MusicException or TimeoutException)
            {
                _logger.LogDebug(ex, "Clean-up of the claim of {Item} still fails; retrying next round", claim.Item.Id);
            }
        }
    }

    private async Task<WorkItemClaim?> TryClaimFromAsync(string producer, CancellationToken cancellationToken)
    {
        var cursor = _cursors.GetOrAdd(producer, static _ => new ProducerCursor());
        var mark = DecodeMark(await _client.GetAsync(RecipeKeys.QueueHighWaterMark(Name, producer), cancellationToken).ConfigureAwait(false));
        long from;
        lock (cursor)
        {
            from = cursor.LowWater + 1;
        }

        for (var sequence = from; sequence <= mark; sequence++)
        {
            var id = new WorkItemId(producer, sequence);
            bool settled;
            lock (cursor)
            {
                settled = cursor.IsSettled(sequence);
            }

            if (settled || _inFlight.ContainsKey(id))
            {
                continue;
            }

            // The payload is immutable and eventual-only; missing here means it has not reached this site yet.
            var payload = await _client.GetAsync(RecipeKeys.QueuePayload(Name, producer, sequence), cancellationToken).ConfigureAwait(false);
            if (payload is null)
            {
                continue;
            }

            var claim = await TryClaimAsync(new WorkItem(Name, id, payload), cancellationToken).ConfigureAwait(false);
            if (claim is not null)
            {
                return claim;
            }
        }

        return null;
    }

    private async Task<WorkItemClaim?> TryClaimAsync(WorkItem item, CancellationToken cancellationToken)
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
            _logger.LogDebug(ex, "Worker {Worker} lost its session while trying {Item}", WorkerId, item.Id);
            return null;
        }

        if (section is null)
        {
            return null; // a live worker holds it
        }

        using var activity = RecipeTelemetry.Start("music.recipe.queue.claim", "work-queue", _client);
        activity?.SetTag(RecipeTelemetry.QueueTag, Name);
        activity?.SetTag(RecipeTelemetry.ItemTag, item.Id.ToString());
        activity?.SetTag(RecipeTelemetry.FencingTag, section.FencingToken.Value);
        try
        {
            var status = await section.GetJsonAsync<WorkItemStatus>(stateKey, cancellationToken: cancellationToken).ConfigureAwait(false) ?? WorkItemStatus.Submitted;
            if (status.State == WorkItemState.Done || status.DeclinedBy.Contains(WorkerId, StringComparer.Ordinal))
            {
                activity?.SetTag(RecipeTelemetry.OutcomeTag, status.State == WorkItemState.Done ? "done" : "declined");
                await section.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                Settle(item.Id);
                return null;
            }

            // Claimed by someone else, yet we hold the lock: that worker lost its lock (crashed or expired) mid-item.
            var recoveredFrom = status.State == WorkItemState.Claimed ? status.Worker : null;
            var claimed = new WorkItemStatus(WorkItemState.Claimed, WorkerId, section.FencingToken.Value, status.Attempt + 1, status.DeclinedBy);
            await section.PutJsonAsync(stateKey, claimed, cancellationToken: cancellationToken).ConfigureAwait(false);
            _inFlight[item.Id] = 0;
            var outcome = recoveredFrom is null ? "claimed" : "recovered";
            activity?.SetTag(RecipeTelemetry.OutcomeTag, outcome);
            RecipeTelemetry.QueueItems.Add(1, new KeyValuePair<string, object?>(RecipeTelemetry.OutcomeTag, outcome));
            if (recoveredFrom is not null)
            {
                _logger.LogWarning("Worker {Worker} recovers {Item} from {Previous}, which lost its lock mid-item (attempt {Attempt})", WorkerId, item.Id, recoveredFrom, claimed.Attempt);
            }

            return new WorkItemClaim(this, item, section, stateKey, claimed, recoveredFrom);
        }
        catch (Exception ex)
        {
            RecipeTelemetry.Fail(activity, ex);
            await ReleaseQuietlyAsync(section).ConfigureAwait(false);
            throw;
        }
    }

    private async Task ReleaseQuietlyAsync(MusicCriticalSection section)
    {
        try
        {
            await section.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MusicException or TimeoutException)
        {
            // The ticket stays until the session ends; the item is then recovered by whoever locks it next.
            _logger.LogWarning(ex, "Could not release the lock of a work item of {Queue}", Name);
        }
    }

    private async Task EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _registered))
        {
            return;
        }

        await _submitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_registered)
            {
                return;
            }

            var key = RecipeKeys.QueueProducers(Name);
            string stream;
            var section = await new MusicMutex(_client, new[] { key }, _logger).AcquireAsync(_options.LockTimeout, cancellationToken).ConfigureAwait(false);
            await using (section.ConfigureAwait(false))
            {
                // A stream of this instance's own, decided under the registry's lock: no other instance, earlier or
                // concurrent, can be given the same one (ProducerStreams explains why numbers cannot just continue).
                var producers = await ReadProducersAsync((k, ct) => section.GetAsync(k, ct), cancellationToken).ConfigureAwait(false);
                stream = ProducerStreams.Choose(producers, ProducerId);
                await section.PutJsonAsync(key, producers.Append(stream).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);

                // Acknowledged while still holding, or a successor's sync may not have seen it: then the stream would
                // be missing from the registry and its items never discovered.
                if (!section.IsHeld)
                {
                    throw new LockLostException($"The lock of the registry of queue {Name} was lost while registering producer {ProducerId}; the next submit registers again.", section.LossReason);
                }
            }

            // Only once the registration is acknowledged: a failed one is redone, with a stream chosen afresh.
            _stream = stream;
            _sequence = 0;
            Volatile.Write(ref _registered, true);
            _logger.LogInformation("Producer {Producer} registered with queue {Queue} as stream {Stream}", ProducerId, Name, stream);
        }
        finally
        {
            _submitGate.Release();
        }
    }

    private async Task<string[]> ReadProducersAsync(Func<string, CancellationToken, Task<byte[]?>> read, CancellationToken cancellationToken)
    {
        var bytes = await read(RecipeKeys.QueueProducers(Name), cancellationToken).ConfigureAwait(false);
        return bytes is null ? Array.Empty<string>() : JsonSerializer.Deserialize<string[]>(bytes) ?? Array.Empty<string>();
    }

    /// <summary>Fixed width, so that on equal write timestamps the larger value — the larger mark — wins.</summary>
    private static byte[] EncodeMark(long sequence) => Encoding.ASCII.GetBytes(sequence.ToString("D19", CultureInfo.InvariantCulture));

    private static long DecodeMark(byte[]? bytes) => bytes is null ? 0 : long.Parse(Encoding.ASCII.GetString(bytes), CultureInfo.InvariantCulture);
}
