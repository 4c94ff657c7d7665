namespace MusicRecipes.Cql;

/// <summary>A prepared statement with values (EXECUTE message). Values are converted to the marker types.</summary>
/// <example>
/// <code>
/// var read = await session.PrepareAsync("SELECT v FROM ks.t WHERE k = ?", ct);
/// var rows = await session.ExecuteAsync(new CqlBoundStatement(read, "key") { Consistency = CqlConsistency.Quorum }, ct);
/// </code>
/// </example>
public sealed class CqlBoundStatement : CqlStatement
{
    /// <summary>Creates the statement.</summary>
    /// <exception cref="ArgumentException">The number of values differs from the number of markers.</exception>
    public CqlBoundStatement(CqlPreparedStatement prepared, params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        values ??= Array.Empty<object?>();
        if (values.Length != prepared.Variables.Count)
        {
            throw new ArgumentException($"The statement has {prepared.Variables.Count} markers but {values.Length} values were bound.", nameof(values));
        }

        Prepared = prepared;
        Values = values;
    }

    /// <summary>The prepared statement.</summary>
    public CqlPreparedStatement Prepared { get; }

    /// <summary>The bound values.</summary>
    public IReadOnlyList<object?> Values { get; }

    internal override string DescribeForTrace => Prepared.Cql;

    internal override bool IsConditional => Prepared.IsConditional;
}
