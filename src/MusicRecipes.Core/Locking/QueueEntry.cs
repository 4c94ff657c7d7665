namespace MusicRecipes.Locking;

/// <summary>One ticket as seen in one key's queue.</summary>
/// <param name="TicketId">The ticket's unique id.</param>
/// <param name="SessionId">The owning session.</param>
/// <param name="Position">The key and the ticket's ordinal in it.</param>
/// <param name="Keys">Every key the ticket covers (a forced removal must leave all of them).</param>
public sealed record QueueEntry(string TicketId, string SessionId, TicketPosition Position, IReadOnlyList<string> Keys);
