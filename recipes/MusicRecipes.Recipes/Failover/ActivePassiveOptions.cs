using System.Text.Json;
using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Recipes.Failover;

/// <summary>Options of an <see cref="ActivePassiveReplica{TState}"/>.</summary>
/// <example>
/// <code>
/// var replica = new ActivePassiveReplica&lt;Inventory&gt;(client, "inventory", new ActivePassiveOptions
/// {
///     Election = { ParticipantId = Environment.MachineName },
/// });
/// </code>
/// </example>
public sealed class ActivePassiveOptions
{
    /// <summary>The options of the leader election underneath (participant id, retry delays).</summary>
    public LeaderElectionOptions Election { get; set; } = new();

    /// <summary>How checkpoints are serialised. Default: System.Text.Json defaults.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }
}
