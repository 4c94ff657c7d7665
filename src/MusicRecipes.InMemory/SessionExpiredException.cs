namespace MusicRecipes.InMemory;

/// <summary>The in-memory session expired; the lock store opens a new one and retries the enqueue.</summary>
internal sealed class SessionExpiredException(string sessionId) : Exception($"Lock session {sessionId} has expired.");
