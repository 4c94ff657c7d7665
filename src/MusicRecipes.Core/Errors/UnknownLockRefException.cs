namespace MusicRecipes;

/// <summary>The <see cref="LockRef"/> was not created by this client (a foreign or forged ticket).</summary>
public sealed class UnknownLockRefException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public UnknownLockRefException(string message, string? paramName)
        : base(message, paramName)
    {
    }
}
