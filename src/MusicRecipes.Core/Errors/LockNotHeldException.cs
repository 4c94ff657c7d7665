namespace MusicRecipes;

/// <summary>A critical operation was attempted with a ticket that does not hold the key (not yet acquired, or the key is not one of its keys).</summary>
public sealed class LockNotHeldException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public LockNotHeldException(string message)
        : base(message)
    {
    }
}
