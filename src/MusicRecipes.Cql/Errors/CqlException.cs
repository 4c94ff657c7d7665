namespace MusicRecipes.Cql;

/// <summary>Base class of every error raised by the CQL client.</summary>
public class CqlException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CqlException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
