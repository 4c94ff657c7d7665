namespace MusicRecipes.Cql;

/// <summary>
/// A query sent as text (QUERY message) with positional values for its <c>?</c> markers. Values are encoded from
/// their .NET type (long → bigint, int → int, string → text, byte[] → blob, Guid → uuid, DateTimeOffset →
/// timestamp, …); prepare the statement when the column types differ from what the values suggest.
/// </summary>
/// <example>
/// <code>
/// await session.ExecuteAsync(new CqlQuery("INSERT INTO ks.t (k, v) VALUES (?, ?)", "key", 42L)
/// {
///     Consistency = CqlConsistency.Quorum,
///     IsIdempotent = true,
/// }, ct);
/// </code>
/// </example>
public sealed class CqlQuery : CqlStatement
{
    /// <summary>Creates the statement.</summary>
    public CqlQuery(string cql, params object?[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cql);
        Cql = cql;
        Values = values ?? Array.Empty<object?>();
    }

    /// <summary>The CQL text.</summary>
    public string Cql { get; }

    /// <summary>The bound values, in marker order.</summary>
    public IReadOnlyList<object?> Values { get; }

    internal override string DescribeForTrace => Cql;

    internal override bool IsConditional => LooksConditional(Cql);
}
