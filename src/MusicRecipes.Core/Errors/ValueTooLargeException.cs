namespace MusicRecipes;

/// <summary>A value is larger than the store accepts. Nothing was written.</summary>
public sealed class ValueTooLargeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ValueTooLargeException(int size, int limit, string? paramName)
        : base($"The value has {size} bytes; the limit is {limit} bytes.", paramName)
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The value's size in bytes.</summary>
    public int Size { get; }

    /// <summary>The limit in bytes.</summary>
    public int Limit { get; }
}
