namespace MusicRecipes;

/// <summary>
/// Too few replicas (or no lock-service quorum) are reachable for the requested operation. Nothing was
/// written. Transient: a retry may succeed once the partition heals.
/// </summary>
public sealed class MusicUnavailableException : MusicException
{
    /// <summary>Creates the exception.</summary>
    public MusicUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
