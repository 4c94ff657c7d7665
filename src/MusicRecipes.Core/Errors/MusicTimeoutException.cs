namespace MusicRecipes;

/// <summary>
/// Too few replicas answered in time. For a write the outcome is unknown: it may have reached some replicas.
/// MUSIC treats the hold as unclean, so the next holder synchronises the key (rule 3 of docs/design.md).
/// </summary>
public sealed class MusicTimeoutException : MusicException
{
    /// <summary>Creates the exception.</summary>
    public MusicTimeoutException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
