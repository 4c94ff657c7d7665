using System.Text.Json;
using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Recipes.Failover;

/// <summary>Options of an <see cref="MusicActivePassiveReplica{TState}"/>.</summary>
/// <example>
/// <code>
/// var replica = new MusicActivePassiveReplica&lt;Inventory&gt;(client, "inventory", new MusicActivePassiveOptions
/// {
///     Election = { ParticipantId = Environment.MachineName },
/// });
/// </code>
/// </example>
public sealed class MusicActivePassiveOptions
{
    /// <summary>The options of the leader election underneath (participant id, retry delays).</summary>
    public MusicLeaderElectionOptions Election { get; set; } = new();

    /// <summary>How checkpoints are serialised. Default: System.Text.Json defaults.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }
}
