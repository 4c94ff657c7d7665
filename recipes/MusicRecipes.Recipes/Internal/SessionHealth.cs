namespace MusicRecipes.Recipes.Internal;

/// <summary>What a lock-session state means for a holder that must never overlap with its successor.</summary>
internal static class SessionHealth
{
    /// <summary>
    /// Connected and Reconnected are safe. Suspended is treated as lost, as Curator's leader recipes do: the session
    /// may already have expired on the lock service, where a successor can be elected, while this client has not yet
    /// heard of it (rule 6 of docs/design.md asks that loss be visible; this makes it visible early).
    /// </summary>
    public static bool IsSafe(LockSessionState state) => state is LockSessionState.Connected or LockSessionState.Reconnected;
}
