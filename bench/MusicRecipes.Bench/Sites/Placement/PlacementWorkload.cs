using System.Diagnostics;
using MusicRecipes.Testing;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Bench;

/// <summary>
/// One variant's placement run: every site submits at the offered rate while the workers place (steady phase); one
/// site is cut off while everyone keeps submitting; after healing the workers get time to place every accepted
/// submission; then, with the workers paused, each site submits a backlog, and the workers' rate of clearing it is
/// their capacity. At the end every item's state is read strongly and the run is checked for exactly-once.
/// </summary>
internal static class PlacementWorkload
{
    public static async Task<PlacementResult> RunAsync(
        IPlacementVariant variant, MultiSiteServers servers, int cutSite, PlacementSettings settings, bool usesZooKeeper, CancellationToken cancellationToken)
    {
        var sites = servers.SiteCount;
        var log = new PlacementLog();
        await variant.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var workers = new PlacementWorkers(variant, log, settings.WorkersPerSite * sites);
        var producers = new PlacementProducers(variant, log, sites, settings);
        workers.Start();
        try
        {
            var steadyStart = Stopwatch.GetTimestamp();
            await producers.OfferAsync("steady", settings.Steady, cancellationToken).ConfigureAwait(false);
            var steadyEnd = Stopwatch.GetTimestamp();

            servers.CutOff(cutSite);
            Console.WriteLine($"    {variant.Name}: site {cutSite} cut off for {settings.CutOff.TotalSeconds:F0} s");
            try
            {
                await producers.OfferAsync("cut", settings.CutOff, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                servers.HealAll();
            }

            var healed = Stopwatch.GetTimestamp();
            var caughtUp = await log.WaitUntilCaughtUpAsync(settings.Drain, cancellationToken).ConfigureAwait(false);
            var catchUp = Stopwatch.GetElapsedTime(healed);
            Console.WriteLine($"    {variant.Name}: {(caughtUp ? $"caught up {catchUp.TotalSeconds:F1} s after healing" : $"NOT caught up {catchUp.TotalSeconds:F0} s after healing ({log.Outstanding()} accepted submissions not placed)")}");

            workers.Pause();
            await producers.BurstAsync("backlog", settings.BacklogPerSite, cancellationToken).ConfigureAwait(false);
            var requestsBefore = usesZooKeeper ? await ZooKeeperPacketCounter.TotalReceivedAsync(SiteServers.ZooKeeperClientPorts, cancellationToken).ConfigureAwait(false) : 0;
            var completedBefore = log.CompletedCount;
            var capacityStart = Stopwatch.GetTimestamp();
            workers.Resume();
            await log.WaitUntilCaughtUpAsync(settings.Drain, cancellationToken).ConfigureAwait(false);
            var capacityTime = Stopwatch.GetElapsedTime(capacityStart);
            var cleared = log.CompletedCount - completedBefore;
            var requests = usesZooKeeper ? await ZooKeeperPacketCounter.TotalReceivedAsync(SiteServers.ZooKeeperClientPorts, cancellationToken).ConfigureAwait(false) - requestsBefore : 0;
            await workers.StopAsync().ConfigureAwait(false);

            var check = await CheckAsync(variant, log, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"    {variant.Name}: backlog of {cleared} cleared at {cleared / capacityTime.TotalSeconds:F1}/s; {check}");
            return PlacementFigures.From(variant.Name, log, sites, cutSite, (steadyStart, steadyEnd), caughtUp ? catchUp.TotalSeconds : null,
                cleared / capacityTime.TotalSeconds, usesZooKeeper && cleared > 0 ? (double)requests / cleared : null, check, workers);
        }
        finally
        {
            await workers.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads every item the producers were given an id for, strongly, and checks the run for exactly-once.</summary>
    private static async Task<WorkQueueReport> CheckAsync(IPlacementVariant variant, PlacementLog log, CancellationToken cancellationToken)
    {
        var items = log.Submissions.Where(s => s.Item is not null).Select(s => s.Item!)
            .Concat(log.History.Claims.Select(c => c.Item)).Distinct(StringComparer.Ordinal).ToArray();
        var done = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var unreadable = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            try
            {
                done[item] = await variant.IsDoneAsync(item, ct).ConfigureAwait(false);
            }
            catch (LockTimeoutException ex)
            {
                // An item still locked after every worker stopped: a hold nobody released. Counted as not done (the
                // checker then reports it), and shown with its holder, instead of ending the whole run.
                done[item] = false;
                unreadable.Enqueue($"{item}: {ex.Message}");
            }
        }).ConfigureAwait(false);
        foreach (var line in unreadable)
        {
            Console.WriteLine($"    {variant.Name}: CHECK could not read {line}");
        }

        return WorkQueueChecker.Check(log.History.SubmissionRecords, log.History.Claims, done);
    }
}
