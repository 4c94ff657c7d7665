using System.Collections.Concurrent;
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
/// <para><b>Claims cost lock-service writes, so a worker avoids the useless ones</b> using only its local replica (no
/// WAN round trip). A completed item gets a <i>done marker</i>, an eventual put written after its Done was acknowledged
/// under its lock: Done is final, so a marker on any replica proves the item done and every other worker settles it
/// without locking it. An item the replica shows claimed by another worker is not tried for
/// <see cref="MusicWorkQueueOptions.ForeignClaimTrust"/> (then it is checked under its lock, which recovers it if that
/// worker died). And just before a worker tries an item's lock it announces it with a <i>claim intent</i> (an eventual
/// put), which other workers honour for <see cref="MusicWorkQueueOptions.ClaimIntentTrust"/>. None of these hints is
/// ever needed for safety: a missing marker or a stale state only costs a lock attempt, a stale intent a short
/// delay.</para>
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
public sealed partial class MusicWorkQueue
{
    private readonly IMusicClient _client;
    private readonly MusicWorkQueueOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _submitGate = new(1, 1);
    private readonly SemaphoreSlim _discoveryGate = new(1, 1);
    private readonly ConcurrentDictionary<string, ProducerCursor> _cursors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<WorkItemId, byte> _inFlight = new();
    private readonly ConcurrentDictionary<WorkItemClaim, byte> _orphans = new();
    private readonly ForeignClaims _foreignClaims;
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
        TimeProvider = _options.TimeProvider;
        _foreignClaims = new ForeignClaims(TimeProvider, _options.ForeignClaimTrust);
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

    /// <summary>The clock of the queue's polls (<see cref="MusicWorkQueueOptions.TimeProvider"/>), shared by its workers.</summary>
    internal TimeProvider TimeProvider { get; }

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

        // One submit at a time per producer: the high-water mark must only ever rise.
        await _submitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Take the number before writing: if a write below fails, it may still have landed (the mark with it), and
            // a worker may complete that item; reusing the number would put the next payload on a done item.
            var id = new WorkItemId(_stream!, ++_sequence);
            activity?.SetTag(RecipeTelemetry.ItemTag, id.ToString());
            var payloadWrite = _client.PutAsync(RecipeKeys.QueuePayload(Name, id.Producer, id.Sequence), payload, cancellationToken);
            if (payloadWrite is { IsFaulted: true, Exception.InnerException: ArgumentException })
            {
                // Rejected before anything was written (too large: the client checks before its first await), so the
                // number was never used: it is given back rather than left as a gap every worker would re-check.
                _sequence--;
                await payloadWrite.ConfigureAwait(false);
            }

            // The payload and the mark are written together: one local round trip per submit instead of two. Nothing
            // needs the payload to land first — at the other sites the two arrive in either order anyway, and a worker
            // skips a payload not yet visible and comes back to it. The submit returns only when both are written.
            // Both are awaited whatever happens (nothing left running unobserved); a payload's failure is reported first.
            var markWrite = _client.PutAsync(RecipeKeys.QueueHighWaterMark(Name, id.Producer), EncodeMark(id.Sequence), cancellationToken);
            await Task.WhenAll(payloadWrite, markWrite).ConfigureAwait(false);

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
        return await ReadStatusAsync(section, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads an item's status without taking its lock: eventual reads at the local site, so it may lag behind the latest
    /// state (a claim or completion made elsewhere shows up a little later). Returns <c>null</c> when no item with this
    /// id was submitted (as far as the local replica knows). For displays and status endpoints; use
    /// <see cref="GetStatusAsync"/> when the answer must be the latest.
    /// </summary>
    /// <example>
    /// <code>
    /// var status = await queue.PeekStatusAsync(id, ct);
    /// return status is null ? Results.NotFound() : Results.Ok(status);
    /// </code>
    /// </example>
    public async Task<WorkItemStatus?> PeekStatusAsync(WorkItemId id, CancellationToken cancellationToken = default)
    {
        if (!IsWellFormed(id))
        {
            return null; // no producer ever gets such an id
        }

        var state = await _client.GetAsync(RecipeKeys.QueueState(Name, id.Producer, id.Sequence), cancellationToken).ConfigureAwait(false);
        if (state is not null)
        {
            return JsonSerializer.Deserialize<WorkItemStatus>(state);
        }

        var payload = await _client.GetAsync(RecipeKeys.QueuePayload(Name, id.Producer, id.Sequence), cancellationToken).ConfigureAwait(false);
        return payload is null ? null : WorkItemStatus.Submitted;
    }

    private static bool IsWellFormed(WorkItemId id) =>
        id.Sequence >= 1 && !string.IsNullOrEmpty(id.Producer) && id.Producer.Length <= 128 && !id.Producer.Any(c => c == '/' || char.IsControl(c));
}
