using Microsoft.Extensions.Hosting;
using MusicRecipes;
using MusicRecipes.Recipes.Queue;

namespace PlacementService;

/// <summary>
/// A site worker: claims a template (the item's MUSIC lock is held until it is completed or given back), places it if
/// the site has the cores, gives it back for another site if it can never fit here, and puts it back for later if the
/// site is full right now. The placement is recorded in the ledger only while the claim is still held.
/// </summary>
internal sealed class PlacementWorker(WorkerProcess process, MusicWorkQueue queue, SiteCapacity capacity, PlacementLedger ledger, ScenarioOptions options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, process.KilledToken);
        while (!running.IsCancellationRequested)
        {
            WorkItemClaim claim;
            try
            {
                claim = await queue.ClaimNextAsync(running.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
            {
                await PauseAsync(TimeSpan.FromMilliseconds(100), running.Token); // cut off, or the lock service is away
                continue;
            }

            var siteFull = false;
            try
            {
                siteFull = await HandleAsync(claim, running.Token);
            }
            catch (OperationCanceledException) when (process.IsKilled)
            {
                return; // crashed mid-placement: a dead process cleans nothing up; its session expiry will
            }
            catch (Exception ex) when (ex is MusicException or LockLostException or OperationCanceledException)
            {
                // Lost the item (cut off, session expired): another worker recovers it.
            }

            if (process.IsKilled)
            {
                return;
            }

            try
            {
                await claim.DisposeAsync(); // puts an unfinished item back (not declined) and releases its lock
            }
            catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
            {
                // The queue retries the clean-up on its next round.
            }

            if (siteFull)
            {
                await PauseAsync(TimeSpan.FromMilliseconds(150), running.Token);
            }
        }
    }

    /// <summary>Returns true when the site was too full right now and the item was left to be put back.</summary>
    private async Task<bool> HandleAsync(WorkItemClaim claim, CancellationToken cancellationToken)
    {
        var template = claim.Item.PayloadAsJson<Template>() ?? throw new InvalidDataException($"Item {claim.Item.Id} is not a template.");
        if (ledger.IsPlaced(claim.Item.Id.ToString()))
        {
            // A previous claimer placed it but could not mark it done (it crashed, or was cut off right after):
            // adopt the running placement instead of placing the template a second time.
            if (claim.RecoveredFrom is not null)
            {
                ledger.RecordAdopted();
            }

            await claim.CompleteAsync(cancellationToken);
            return false;
        }

        if (capacity.CanNeverFit(template))
        {
            ledger.RecordDeclined();
            await claim.ReleaseAsync(cancellationToken); // declined here: a site with more cores takes it
            return false;
        }

        if (!capacity.TryReserve(template.Cpu))
        {
            return true;
        }

        var placed = false;
        try
        {
            process.OnPlacementStarted();
            using var placing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, claim.LostToken);
            await Task.Delay(options.PlacementTime, placing.Token);
            if (!claim.IsHeld)
            {
                return false;
            }

            if (!ledger.TryPlace(claim.Item.Id.ToString(), $"site-{process.Site}", process.Name, claim.FencingToken.Value, claim.RecoveredFrom is not null))
            {
                return false; // refused: a newer claim placed it already
            }

            placed = true;
            await claim.CompleteAsync(cancellationToken);
            _ = Task.Delay(options.AppLifetime, CancellationToken.None).ContinueWith(_ => capacity.Free(template.Cpu), TaskScheduler.Default);
            return false;
        }
        finally
        {
            if (!placed && !process.IsKilled)
            {
                capacity.Free(template.Cpu);
            }
        }
    }

    private static async Task PauseAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
