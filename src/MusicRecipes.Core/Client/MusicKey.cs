namespace MusicRecipes;

/// <summary>
/// The rules for keys and key sets (rule 7 of docs/design.md: bad input gets a clear error): every operation of
/// <see cref="IMusicClient"/> checks its keys with <see cref="Validate"/> before anything is sent.
/// </summary>
/// <example>
/// <code>
/// var key = $"orders/{orderId}";
/// MusicKey.Validate(key, nameof(orderId)); // the same check the client makes, early, with your parameter's name
/// </code>
/// </example>
public static class MusicKey
{
    /// <summary>Keys longer than this are rejected: backends turn keys into node names and partition keys.</summary>
    public const int MaxLength = 256;

    /// <summary>Throws if <paramref name="key"/> is null, empty, longer than <see cref="MaxLength"/> or holds control characters.</summary>
    /// <exception cref="ArgumentException">The key breaks a rule; the message says which.</exception>
    public static void Validate(string key, string paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length == 0)
        {
            throw new ArgumentException("A key must not be empty.", paramName);
        }

        if (key.Length > MaxLength)
        {
            throw new ArgumentException($"A key must have at most {MaxLength} characters; this one has {key.Length}.", paramName);
        }

        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"A key must not contain control characters (found U+{(int)c:X4}).", paramName);
            }
        }
    }

    /// <summary>Validates a key set and returns it distinct and in ordinal order (so every client names a set the same way).</summary>
    /// <exception cref="ArgumentException">A key breaks a rule, or the set is empty.</exception>
    internal static IReadOnlyList<string> NormalizeSet(IEnumerable<string> keys, string paramName)
    {
        ArgumentNullException.ThrowIfNull(keys, paramName);
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            Validate(key, paramName);
            set.Add(key);
        }

        if (set.Count == 0)
        {
            throw new ArgumentException("A lock needs at least one key.", paramName);
        }

        return set.ToArray();
    }
}
