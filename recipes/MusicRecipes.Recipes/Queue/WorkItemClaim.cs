using Microsoft.Extensions.Logging;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// A claimed work item: the item's lock is held until <see cref="CompleteAsync"/> or <see cref="ReleaseAsync"/> (or
/// disposal, which puts the item back without declining it).
/// </summary>
/// <remarks>
/// If the lock is lost while processing (<see cref="LostToken"/>), another worker will re-claim the item; stop,
/// and let the fencing token reject anything this claim still sends.
/// </remarks>
/// <example>
/// <code>
/// await using var claim = await queue.ClaimNextAsync(ct);
/// using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, claim.LostToken);
/// await placer.PlaceAsync(claim.Item.PayloadAsJson&lt;AppTemplate&gt;()!, fence: claim.FencingToken.Value, work.Token);
/// await claim.CompleteAsync(ct);
/// </code>
/// </example>
public sealed class WorkItemClaim : IAsyncDisposable
{
    private readonly MusicWorkQueue _queue;
    private readonly MusicCriticalSection _section;
    private readonly string _stateKey;
    private readonly WorkItemStatus _claimed;
    private readonly Task _claimedWrite;
    private Task? _release;
    private int _finished;

    internal WorkItemClaim(MusicWorkQueue queue, WorkItem item, MusicCriticalSection section, string stateKey, WorkItemStatus claimed, string? recoveredFrom, Task claimedWrite)
    {
        _queue = queue;
        Item = item;
        _section = section;
        _stateKey = stateKey;
        _claimed = claimed;
        RecoveredFrom = recoveredFrom;
        _claimedWrite = claimedWrite;

        // A failure of the record is observed whatever path ends the claim: only a written outcome awaits it, and the
        // section's release waits for it (every write in flight) without looking at its result.
        _ = claimedWrite.ContinueWith(static write => _ = write.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The claimed item.</summary>
    public WorkItem Item { get; }

    /// <summary>The claim's fencing token: strictly larger for every later claim of the same item.</summary>
    public FencingToken FencingToken => _section.FencingToken;

    /// <summary>Fires when the item's lock is lost (another worker will re-claim the item).</summary>
    public CancellationToken LostToken => _section.LostToken;

    /// <summary>True while the claim's lock is held.</summary>
    public bool IsHeld => _section.IsHeld;

    /// <summary>How many times the item was claimed, this claim included.</summary>
    public int Attempt => _claimed.Attempt;

    /// <summary>The worker whose claim this one recovered (it lost its lock mid-item), or <c>null</c>.</summary>
    public string? RecoveredFrom { get; }

    /// <summary>
    /// Marks the item done — a critical put under the item's lock, so it happens at most once — and releases the lock.
    /// Returns once Done is acknowledged; the lock's release (a lock-service write) goes on in the background, so the
    /// worker can take its next item meanwhile (see <see cref="DisposeAsync"/>).
    /// </summary>
    /// <exception cref="LockLostException">The lock was lost first; another worker will process the item again.</exception>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        await FinishAsync("music.recipe.queue.complete", _claimed with { State = WorkItemState.Done }, "completed", cancellationToken).ConfigureAwait(false);
        _queue.Settle(Item.Id);
    }

    /// <summary>
    /// Gives the item back because this worker cannot handle it: it returns to submitted, marked declined by this
    /// worker (which will not claim it again), so a worker elsewhere takes it. Returns once that is acknowledged; the
    /// lock's release goes on in the background, as after <see cref="CompleteAsync"/>.
    /// </summary>
    /// <exception cref="LockLostException">The lock was lost first; the item is re-claimed anyway.</exception>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        var declined = _claimed.DeclinedBy.Contains(_queue.WorkerId, StringComparer.Ordinal)
            ? _claimed.DeclinedBy
            : _claimed.DeclinedBy.Append(_queue.WorkerId).ToArray();
        var released = new WorkItemStatus(WorkItemState.Submitted, _queue.WorkerId, FencingToken.Value, _claimed.Attempt, declined);
        await FinishAsync("music.recipe.queue.release", released, "released", cancellationToken).ConfigureAwait(false);
        _queue.Settle(Item.Id);
    }

    /// <summary>
    /// If neither completed nor released: puts the item back to submitted (not declined) so any worker may take it.
    /// A failure is thrown, and the claim is not forgotten: the queue retries the clean-up at the start of each of
    /// its discovery rounds, so the item's lock is never left behind while the session lives. After
    /// <see cref="CompleteAsync"/> or <see cref="ReleaseAsync"/> it does not wait for the lock's release under way
    /// (nothing depends on it: the outcome is acknowledged, and a release that fails is retried in the same way).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CleanUpAsync().ConfigureAwait(false);
            _queue.ForgetOrphan(this);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is OperationCanceledException)
        {
            _queue.AdoptOrphan(this);
            throw;
        }
    }

    /// <summary>Puts an unfinished item back and releases its lock; releases the lock of a finished one.</summary>
    internal async Task CleanUpAsync()
    {
        if (Volatile.Read(ref _finished) != 0)
        {
            if (Volatile.Read(ref _release) is { IsCompleted: false })
            {
                return; // the release after the outcome is under way; if it fails, it adopts this claim as an orphan
            }

            // Finished; if releasing the lock failed then, retry it now (no-op when released).
            await _section.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            return;
        }

        if (!_section.IsHeld)
        {
            Volatile.Write(ref _finished, 1);
            _queue.EndClaim(Item.Id);
            await _section.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var putBack = new WorkItemStatus(WorkItemState.Submitted, _queue.WorkerId, FencingToken.Value, _claimed.Attempt, _claimed.DeclinedBy);
        await FinishAsync("music.recipe.queue.abandon", putBack, "abandoned", CancellationToken.None).ConfigureAwait(false);
        await _section.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"WorkItemClaim({Item.Id}, {FencingToken}, held: {IsHeld})";

    private async Task FinishAsync(string spanName, WorkItemStatus final, string outcome, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _finished, 1, 0) != 0)
        {
            throw new InvalidOperationException($"The claim of {Item.Id} was already completed or released.");
        }

        using var activity = RecipeTelemetry.Start(spanName, "work-queue", _queue.Client);
        activity?.SetTag(RecipeTelemetry.QueueTag, _queue.Name);
        activity?.SetTag(RecipeTelemetry.ItemTag, Item.Id.ToString());
        activity?.SetTag(RecipeTelemetry.FencingTag, FencingToken.Value);
        try
        {
            // Sent while the claim's record may still be in flight: the outcome's fencing timestamp is the later one,
            // so it wins at every replica whatever order they land in (rule 2); the record is awaited right after.
            await _section.PutJsonAsync(_stateKey, final, cancellationToken: cancellationToken).ConfigureAwait(false);
            await AwaitClaimedWriteAsync().ConfigureAwait(false);

            // Acknowledged while still holding: no successor can have locked the item before this write, so its
            // acquire (with sync on acquire, rule 3 of docs/design.md) sees it. Otherwise we cannot claim the outcome.
            if (!_section.IsHeld)
            {
                throw new LockLostException($"The lock of {Item.Id} was lost while recording '{outcome}'; another worker will re-claim it.", _section.LossReason);
            }
        }
        catch (Exception ex)
        {
            RecipeTelemetry.Fail(activity, ex);
            Volatile.Write(ref _finished, 0);
            if (!_section.IsHeld)
            {
                // Nothing left to finish: the item will be recovered by whoever locks it next.
                Volatile.Write(ref _finished, 1);
                _queue.EndClaim(Item.Id);
                await ReleaseLostSectionAsync().ConfigureAwait(false);
            }

            throw;
        }

        activity?.SetTag(RecipeTelemetry.OutcomeTag, outcome);
        RecipeTelemetry.QueueItems.Add(1, new KeyValuePair<string, object?>(RecipeTelemetry.OutcomeTag, outcome));
        _queue.EndClaim(Item.Id);
        _queue.Logger.LogDebug("Worker {Worker} {Outcome} {Item}", _queue.WorkerId, outcome, Item.Id);
        if (final.State == WorkItemState.Done)
        {
            // Done is acknowledged under the lock: from now on the marker may say so. Written before the release, so
            // that other workers learn it a lock-service write sooner and do not try the lock of a done item.
            await _queue.MarkDoneAsync(Item.Id, cancellationToken).ConfigureAwait(false);
        }

        // The outcome is acknowledged under the lock: nothing the worker does next depends on the release, which costs
        // a lock-service write (two inter-site round trips from a follower's site). Waiting for it would add that to
        // every item a worker processes, and delay no one else less: the item's done marker is already written.
        Volatile.Write(ref _release, ReleaseAfterOutcomeAsync(outcome));
    }

    /// <summary>
    /// Releases the lock once the outcome is recorded. A failure is logged and the claim adopted as an orphan, so the
    /// queue's next discovery round retries the release; the client removes the ticket in the background meanwhile
    /// (guaranteed release), and the session's end frees the lock at the latest.
    /// </summary>
    private async Task ReleaseAfterOutcomeAsync(string outcome)
    {
        try
        {
            await _section.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is OperationCanceledException)
        {
            _queue.Logger.LogWarning(ex, "Recorded '{Outcome}' for {Item} but could not release its lock yet", outcome, Item.Id);
            _queue.AdoptOrphan(this);
        }
        catch (ObjectDisposedException)
        {
            // The client was closed right after the outcome: its session's end frees the lock.
        }
    }

    /// <summary>
    /// Waits for the claim's own record ("claimed", pipelined by the claim). Its failure is only noted: the outcome is
    /// a later write of the same hold and supersedes it (rule 2 of docs/design.md), and a put that failed leaves the
    /// hold unclean, so the next holder syncs the item (rule 3).
    /// </summary>
    private async Task AwaitClaimedWriteAsync()
    {
        try
        {
            await _claimedWrite.ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is OperationCanceledException)
        {
            _queue.Logger.LogDebug(ex, "The claim record of {Item} did not land for sure; the outcome supersedes it", Item.Id);
        }
    }

    private async Task ReleaseLostSectionAsync()
    {
        try
        {
            await _section.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
        {
            _queue.Logger.LogWarning(ex, "Could not release the lost lock of {Item}", Item.Id);
        }
    }
}
