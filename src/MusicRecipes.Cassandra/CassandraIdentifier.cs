using System.Text.RegularExpressions;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Keyspace and table names are spliced into CQL text (they cannot be bind markers), so they are validated against
/// the unquoted-identifier grammar, and CQL's reserved keywords are refused (unquoted, "table" or "select" would make
/// every statement a syntax error — or, worse, a different statement); keys and values are always bound as parameters
/// (rule 7 of docs/design.md). A name is checked before anything is sent, so a bad one creates nothing.
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
        var lower = name.ToLowerInvariant();
        if (ReservedKeywords.Contains(lower))
        {
            throw new ArgumentException($"'{name}' is a reserved CQL keyword; choose another name.", paramName);
        }

        return lower;
    }

    /// <summary>CQL 3's reserved keywords (Cassandra 2.1 to 4; the later additions included), lower-case.</summary>
    private static readonly HashSet<string> ReservedKeywords = new(StringComparer.Ordinal)
    {
        "add", "allow", "alter", "and", "apply", "asc", "authorize", "batch", "begin", "by", "columnfamily", "create",
        "default", "delete", "desc", "describe", "drop", "entries", "execute", "from", "full", "grant", "if", "in",
        "index", "infinity", "insert", "into", "is", "keyspace", "limit", "materialized", "mbean", "mbeans", "modify",
        "nan", "norecursive", "not", "null", "of", "on", "or", "order", "primary", "rename", "replace", "revoke",
        "schema", "select", "set", "table", "to", "token", "truncate", "unlogged", "unset", "update", "use", "using",
        "view", "where", "with",
    };

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
