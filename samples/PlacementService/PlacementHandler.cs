using MusicRecipes.Recipes.Queue;

namespace PlacementService;

/// <summary>
/// Places one template (resolved in a DI scope of its own per item): places it if the site has the cores, declines it
/// if it can never fit here (a site with more cores takes it), puts it back if the site is full right now. The placement
/// is recorded in the cloud's ledger only while the claim is still held, with the claim's fencing token.
/// </summary>
internal sealed class PlacementHandler(WorkerIdentity worker, SiteCapacity capacity, PlacementWorld world) : IWorkItemHandler
{
    /// <inheritdoc />
    public async Task<WorkItemOutcome> HandleAsync(WorkItemContext context, CancellationToken cancellationToken)
    {
        var template = context.Item.PayloadAsJson<Template>() ?? throw new InvalidDataException($"Item {context.Item.Id} is not a template.");
        var id = context.Item.Id.ToString();
        if (context.RecoveredFrom is not null)
        {
            world.Ledger.RecordRecoveredClaim(id);
        }

        if (world.Ledger.IsPlaced(id))
        {
            // A previous claimer placed it but could not mark it done (it crashed, or was cut off right after):
            // adopt the running placement instead of placing the template a second time.
            return WorkItemOutcome.Completed;
        }

        if (capacity.CanNeverFit(template))
        {
            world.Ledger.RecordDeclined();
            return WorkItemOutcome.Released; // declined here: a site with more cores takes it
        }

        if (!capacity.TryReserve(template.Cpu))
        {
            return WorkItemOutcome.PutBack; // full right now
        }

        var placed = false;
        try
        {
            worker.OnPlacementStarted();
            using var placing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, worker.KilledToken);
            await Task.Delay(world.Options.PlacementTime, placing.Token);
            if (!context.IsHeld || !world.Ledger.TryPlace(id, $"site-{worker.Site}", worker.Name, context.FencingToken.Value))
            {
                return WorkItemOutcome.PutBack; // the claim was lost, or a newer claim placed it already
            }

            placed = true;
            world.Events.Add($"{worker.Name} placed {template.Name} ({template.Cpu} cores)" + (context.RecoveredFrom is null ? "" : $", recovered from {context.RecoveredFrom}"));
            _ = Task.Delay(world.Options.AppLifetime, CancellationToken.None).ContinueWith(_ => capacity.Free(template.Cpu), TaskScheduler.Default);
            return WorkItemOutcome.Completed;
        }
        catch (OperationCanceledException) when (worker.IsKilled)
        {
            // Crashed mid-placement: a dead process does nothing more. It stays here until its lock is gone (its session
            // expires), even when its host is stopping: returning earlier would let the worker put the template back
            // as a live process does, and nobody would have to recover it.
            await UntilLostAsync(context.LostToken);
            throw;
        }
        finally
        {
            if (!placed && !worker.IsKilled)
            {
                capacity.Free(template.Cpu);
            }
        }
    }

    private static async Task UntilLostAsync(CancellationToken lost)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, lost);
        }
        catch (OperationCanceledException)
        {
            // the lock is gone
        }
    }
}
