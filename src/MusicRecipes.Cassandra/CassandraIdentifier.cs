using System.Text.RegularExpressions;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Keyspace and table names are spliced into CQL text (they cannot be bind markers), so they are validated against
/// the unquoted-identifier grammar; keys and values are always bound as parameters (rule 7 of docs/design.md).
/// </summary>
internal static partial class CassandraIdentifier
{
    public static string Validate(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!Pattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Cassandra identifier ([a-zA-Z_][a-zA-Z0-9_]{{0,47}}).", paramName);
        }

        // Unquoted identifiers are case-insensitive in CQL; keep them lower-case so names compare as Cassandra does.
        return name.ToLowerInvariant();
    }

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
