using System.Globalization;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Queue;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Worker.Workloads;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>
/// What each site's worker can see of an item the audit found unfinished: its local replica's status (or nothing, when
/// the payload has not reached that site). An item only one site can see is left to that site's worker; one no worker
/// tried although its site sees it points at the worker. Written next to the lost-item violations, because a discovery
/// round that finds nothing leaves no operation in the history. The item's lock queue comes with it: a ticket left at
/// its head by a live session would keep every worker out.
/// </summary>
internal static class UnfinishedItemViews
{
    private const int MostItems = 10;

    public static async Task<IReadOnlyList<string>> DescribeAsync(
        IEnumerable<(SiteClient Client, MusicWorkQueue Queue)> workers, SiteClient auditor, IReadOnlyDictionary<string, string> owners, IEnumerable<string> items)
    {
        var views = new List<string>();
        foreach (var item in items.Take(MostItems))
        {
            var id = WorkItemId.Parse(item);
            var seen = new List<string>();
            foreach (var (client, queue) in workers)
            {
                seen.Add($"{client.Name} {await ViewAsync(queue, id)}");
            }

            views.Add($"{item}: {string.Join("; ", seen)}; lock {await LockQueueAsync(auditor, owners, workers.First().Queue.Name, id)}");
        }

        return views;
    }

    private static async Task<string> LockQueueAsync(SiteClient auditor, IReadOnlyDictionary<string, string> owners, string queue, WorkItemId id)
    {
        try
        {
            return await FinalAudit.DescribeQueueAsync(auditor, owners, RecipeKeys.QueueState(queue, id.Producer, id.Sequence));
        }
        catch (Exception ex) when (Outcomes.IsExpected(ex) || ex is ZooKeeper.KeeperException)
        {
            return $"queue unreadable ({ex.GetType().Name})";
        }
    }

    private static async Task<string> ViewAsync(MusicWorkQueue queue, WorkItemId id)
    {
        try
        {
            return await queue.PeekStatusAsync(id, CancellationToken.None) switch
            {
                null => "sees nothing (payload not here)",
                var status => string.Create(CultureInfo.InvariantCulture, $"sees {status.State} by {status.Worker ?? "nobody"}, attempt {status.Attempt}"),
            };
        }
        catch (Exception ex) when (Outcomes.IsExpected(ex))
        {
            return $"read failed ({ex.GetType().Name})";
        }
    }
}
