namespace MusicRecipes;

/// <summary>
/// A number that strictly increases with every holder of a key: the ticket's per-key ordinal. Hand it to
/// other systems so they can reject requests from an earlier holder (rule 6 of docs/design.md), as etcd uses a
/// lock's revision.
/// </summary>
/// <param name="Key">The key the token was issued for (the ticket's first key, in ordinal string order).</param>
/// <param name="Value">The ticket's ordinal in that key's queue; later holders always have larger values.</param>
/// <example>
/// <code>
/// if (request.Fencing.Value &lt; lastSeenFence) { return Reject("stale lock holder"); }
/// </code>
/// </example>
public readonly record struct FencingToken(string Key, long Value) : IComparable<FencingToken>
{
    /// <summary>Orders tokens of the same key by value.</summary>
    /// <exception cref="ArgumentException">The tokens belong to different keys and cannot be compared.</exception>
    public int CompareTo(FencingToken other)
    {
        if (!string.Equals(Key, other.Key, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Fencing tokens of key '{Key}' and key '{other.Key}' are not comparable.", nameof(other));
        }

        return Value.CompareTo(other.Value);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Key}#{Value}";
}
