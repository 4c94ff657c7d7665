namespace MusicRecipes.Recipes.Internal;

/// <summary>
/// The key layout of the recipes: everything under <c>music/</c>, one prefix per recipe, so recipes never collide
/// with each other or with application keys.
/// </summary>
internal static class RecipeKeys
{
    public static string Leader(string group) => $"music/leader/{group}";

    /// <summary>The participant keys of a group: <c>music/leader/{group}/participant/{participantId}</c>.</summary>
    public static string LeaderParticipantPrefix(string group) => $"music/leader/{group}/participant/";

    public static string FailoverState(string service) => $"music/failover/{service}/state";

    public static string FailoverGroup(string service) => $"failover:{service}";

    public static string Barrier(string name) => $"music/barrier/{name}";

    public static string DoubleBarrier(string name) => $"music/double-barrier/{name}";

    public static string QueueProducers(string queue) => $"music/queue/{queue}/producers";

    public static string QueueHighWaterMark(string queue, string producer) => $"music/queue/{queue}/p/{producer}/hwm";

    public static string QueuePayload(string queue, string producer, long sequence) => $"music/queue/{queue}/p/{producer}/{sequence:D19}";

    public static string QueueState(string queue, string producer, long sequence) => $"music/queue/{queue}/p/{producer}/{sequence:D19}/state";

    public static string QueueClaimIntent(string queue, string producer, long sequence) => $"music/queue/{queue}/p/{producer}/{sequence:D19}/intent";

    public static string QueueDoneMarker(string queue, string producer, long sequence) => $"music/queue/{queue}/p/{producer}/{sequence:D19}/done";

    /// <summary>Validates a recipe name (group, barrier, queue, producer): non-empty, no '/', no control characters.</summary>
    public static string ValidateName(string name, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, paramName);
        if (name.Length > 128)
        {
            throw new ArgumentException($"A recipe name must have at most 128 characters; '{name}' has {name.Length}.", paramName);
        }

        foreach (var c in name)
        {
            if (c == '/' || char.IsControl(c))
            {
                throw new ArgumentException($"A recipe name must not contain '/' or control characters: '{name}'.", paramName);
            }
        }

        return name;
    }
}
