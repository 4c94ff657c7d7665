using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// A hosted worker of a <see cref="MusicWorkQueue"/>: claims items one at a time and runs the handler on each, with a
/// token that is cancelled when the item's lock is lost or the host stops.
/// </summary>
/// <remarks>
/// The handler returns <see cref="WorkItemOutcome.Completed"/> (the item is marked done under its lock),
/// <see cref="WorkItemOutcome.Released"/> (declined: a worker elsewhere takes it) or <see cref="WorkItemOutcome.PutBack"/>
/// (not now: back to the queue, and the worker pauses before its next claim). A handler that throws declines the
/// item too, so one poisoned worker does not hold it; a lost lock leaves the item for recovery by another worker.
/// Backend failures (a cut-off site) are logged and retried with backoff. Register several workers for parallelism.
/// </remarks>
/// <example>
/// <code>
/// var worker = new MusicWorkQueueWorker(queue, async (item, fence, ct) =>
/// {
///     var template = item.PayloadAsJson&lt;AppTemplate&gt;()!;
///     if (!cluster.CanFit(template)) { return WorkItemOutcome.Released; } // "release a template it cannot fit"
///     await cluster.PlaceAsync(template, fence.Value, ct);
///     return WorkItemOutcome.Completed;
/// });
/// await worker.StartAsync(ct); // or: services.AddMusicWorkQueueWorker("templates", handler)
/// </code>
/// </example>
public sealed class MusicWorkQueueWorker : BackgroundService
{
    private readonly MusicWorkQueue _queue;
    private readonly Func<WorkItemContext, CancellationToken, Task<WorkItemOutcome>> _handler;
    private readonly ILogger _logger;

    /// <summary>Creates a worker of <paramref name="queue"/> running <paramref name="handler"/> on every claimed item.</summary>
    public MusicWorkQueueWorker(MusicWorkQueue queue, Func<WorkItem, FencingToken, CancellationToken, Task<WorkItemOutcome>> handler, ILogger<MusicWorkQueueWorker>? logger = null)
        : this(queue, WithItem(handler), logger)
    {
    }

    /// <summary>Creates a worker of <paramref name="queue"/> running <paramref name="handler"/> with the full <see cref="WorkItemContext"/> of every claimed item.</summary>
    /// <example>
    /// <code>
    /// var worker = new MusicWorkQueueWorker(queue, (context, ct) => handler.HandleAsync(context, ct));
    /// </code>
    /// </example>
    public MusicWorkQueueWorker(MusicWorkQueue queue, Func<WorkItemContext, CancellationToken, Task<WorkItemOutcome>> handler, ILogger<MusicWorkQueueWorker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handler);
        _queue = queue;
        _handler = handler;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The queue this worker serves.</summary>
    public MusicWorkQueue Queue => _queue;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), _queue.TimeProvider);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claim = await _queue.ClaimNextAsync(stoppingToken).ConfigureAwait(false);
                if (await ProcessAsync(claim, stoppingToken).ConfigureAwait(false) == WorkItemOutcome.PutBack)
                {
                    // Not now: give the item (and this worker's resources) time before the next claim.
                    await backoff.DelayAsync(stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    backoff.Reset();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
            {
                _logger.BackendFailure(ex, _queue.WorkerId, _queue.Name);
                try
                {
                    await backoff.DelayAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Runs the handler on one claim and records its outcome; <c>null</c> when the claim was lost or the host stopped.</summary>
    private async Task<WorkItemOutcome?> ProcessAsync(WorkItemClaim claim, CancellationToken stoppingToken)
    {
        await using (claim.ConfigureAwait(false))
        {
            using var work = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, claim.LostToken);
            WorkItemOutcome outcome;
            try
            {
                outcome = await _handler(new WorkItemContext(claim, _queue.Name, _queue.WorkerId), work.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (work.IsCancellationRequested)
            {
                // Lost the lock (someone else recovers the item) or shutting down (disposal puts it back).
                _logger.StoppedProcessing(_queue.WorkerId, claim.Item.Id, !claim.IsHeld);
                return null;
            }
            catch (Exception ex)
            {
                if (!claim.IsHeld)
                {
                    _logger.HandlerFailedAfterLoss(ex, _queue.WorkerId, claim.Item.Id);
                    return null;
                }

                _logger.HandlerFailed(ex, _queue.WorkerId, claim.Item.Id);
                outcome = WorkItemOutcome.Released;
            }

            // Not cancelled by a stopping host: the work is done, and recording it is one short critical put. A put-back
            // is the claim's disposal (back to submitted, not declined).
            if (outcome == WorkItemOutcome.Completed)
            {
                await claim.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else if (outcome == WorkItemOutcome.Released)
            {
                await claim.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return outcome;
        }
    }

    private static Func<WorkItemContext, CancellationToken, Task<WorkItemOutcome>> WithItem(Func<WorkItem, FencingToken, CancellationToken, Task<WorkItemOutcome>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return (context, ct) => handler(context.Item, context.FencingToken, ct);
    }
}
