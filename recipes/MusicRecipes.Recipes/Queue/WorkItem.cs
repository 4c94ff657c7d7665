using System.Text;
using System.Text.Json;

namespace MusicRecipes.Recipes.Queue;

/// <summary>A submitted work item as a worker sees it.</summary>
/// <param name="Queue">The queue name.</param>
/// <param name="Id">The item's id.</param>
/// <param name="Payload">What the producer submitted.</param>
/// <example>
/// <code>
/// var template = item.PayloadAsJson&lt;AppTemplate&gt;();
/// </code>
/// </example>
public sealed record WorkItem(string Queue, WorkItemId Id, byte[] Payload)
{
    /// <summary>The payload as a UTF-8 string.</summary>
    public string PayloadAsString() => Encoding.UTF8.GetString(Payload);

    /// <summary>The payload deserialised from JSON.</summary>
    public T? PayloadAsJson<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(Payload, options);
}
