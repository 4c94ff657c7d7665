namespace MusicRecipes.Cql;

/// <summary>The kinds of BATCH.</summary>
public enum CqlBatchType : byte
{
    /// <summary>Atomic through the batch log (all or nothing eventually).</summary>
    Logged = 0,

    /// <summary>No batch log: cheaper, not atomic across partitions.</summary>
    Unlogged = 1,

    /// <summary>Counter updates only.</summary>
    Counter = 2,
}

/// <summary>
/// Several DML statements sent as one BATCH message. A batch whose statements carry IF conditions on one
/// partition is a conditional batch: it is applied or rejected as a whole, and its result has <c>[applied]</c>.
/// </summary>
/// <example>
/// <code>
/// var batch = new CqlBatch { Consistency = CqlConsistency.Quorum }
///     .Add("INSERT INTO ks.t (k, v) VALUES (?, ?)", "a", 1)
///     .Add(preparedInsert.Bind("b", 2));
/// await session.ExecuteAsync(batch, ct);
/// </code>
/// </example>
public sealed class CqlBatch : CqlStatement
{
    private readonly List<CqlStatement> _statements = new();

    /// <summary>Logged, unlogged or counter.</summary>
    public CqlBatchType Type { get; init; } = CqlBatchType.Logged;

    /// <summary>The statements, each a <see cref="CqlQuery"/> or a <see cref="CqlBoundStatement"/>.</summary>
    public IReadOnlyList<CqlStatement> Statements => _statements;

    internal override string DescribeForTrace => $"BATCH({_statements.Count}): {string.Join("; ", _statements.Select(s => s.DescribeForTrace))}";

    internal override bool IsConditional => _statements.Any(s => s.IsConditional);

    /// <summary>Adds a query with values.</summary>
    public CqlBatch Add(string cql, params object?[] values) => Add(new CqlQuery(cql, values));

    /// <summary>Adds a query or bound statement (its own consistency and paging settings are ignored).</summary>
    /// <exception cref="ArgumentException">A batch inside a batch.</exception>
    public CqlBatch Add(CqlStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (statement is CqlBatch)
        {
            throw new ArgumentException("Batches cannot be nested.", nameof(statement));
        }

        _statements.Add(statement);
        return this;
    }
}
