namespace MusicRecipes;

/// <summary>Base class of the errors MusicRecipes raises for backend and lock conditions.</summary>
public class MusicException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MusicException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
