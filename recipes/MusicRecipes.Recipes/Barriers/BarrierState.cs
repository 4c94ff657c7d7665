namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// The stored state of a <see cref="MusicBarrier"/>. Every set starts a new generation, so a waiter that saw
/// generation g set is released by (g, removed) or by any later generation, and a stale replica (which can only show
/// an older generation, or g still set) never releases it early.
/// </summary>
internal sealed record BarrierState(long Generation, bool IsSet);
