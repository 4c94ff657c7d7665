namespace MusicRecipes.Recipes.Failover;

/// <summary>A checkpoint written by an active replica: the state plus where it came from.</summary>
/// <typeparam name="TState">The service's state.</typeparam>
/// <param name="State">The state.</param>
/// <param name="Term">The fencing token value of the term that wrote it.</param>
/// <param name="Sequence">The checkpoint's number within that term (from 1).</param>
/// <param name="WrittenAt">When it was written (the writer's clock; informational).</param>
public sealed record Checkpoint<TState>(TState State, long Term, long Sequence, DateTimeOffset WrittenAt);
