using System.Globalization;
using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>The histories name items as "producer/sequence" (<see cref="WorkItemId.ToString"/>); this reads them back.</summary>
internal static class WorkItemIds
{
    public static WorkItemId Parse(string item)
    {
        var slash = item.LastIndexOf('/');
        return new WorkItemId(item[..slash], long.Parse(item[(slash + 1)..], CultureInfo.InvariantCulture));
    }
}
