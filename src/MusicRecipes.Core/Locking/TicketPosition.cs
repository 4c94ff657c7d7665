namespace MusicRecipes.Locking;

/// <summary>A ticket's place in one key's queue.</summary>
/// <param name="Key">The key.</param>
/// <param name="Ordinal">The per-key ordinal: strictly increasing across all tickets ever enqueued on the key.</param>
public readonly record struct TicketPosition(string Key, long Ordinal);
