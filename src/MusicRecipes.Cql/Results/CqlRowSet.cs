using System.Net;

namespace MusicRecipes.Cql;

/// <summary>
/// The result of one request: a page of rows (empty for statements that return none) and what came with it.
/// </summary>
/// <example>
/// <code>
/// var result = await session.ExecuteAsync(new CqlQuery("INSERT INTO ks.t (k, v) VALUES (?, ?) IF NOT EXISTS", "k", 1)
/// {
///     SerialConsistency = CqlConsistency.Serial,
/// }, ct);
/// if (!result.WasApplied) { var existing = result.Rows[0].Get&lt;int&gt;("v"); }
/// </code>
/// </example>
public sealed class CqlRowSet
{
    internal CqlRowSet(IReadOnlyList<CqlColumn> columns, IReadOnlyList<CqlRow> rows, byte[]? pagingState)
    {
        Columns = columns;
        Rows = rows;
        PagingState = pagingState;
    }

    /// <summary>The columns (empty for a Void or schema-change result).</summary>
    public IReadOnlyList<CqlColumn> Columns { get; }

    /// <summary>The rows of this page.</summary>
    public IReadOnlyList<CqlRow> Rows { get; }

    /// <summary>Set when more pages follow: pass it as <see cref="CqlStatement.PagingState"/> to get the next page.</summary>
    public byte[]? PagingState { get; }

    /// <summary>The node that coordinated the request.</summary>
    public IPEndPoint? Coordinator { get; internal set; }

    /// <summary>The server's tracing session id, when <see cref="CqlStatement.EnableTracing"/> was set.</summary>
    public Guid? TracingId { get; internal set; }

    /// <summary>Warnings the server attached (v4).</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = Array.Empty<string>();

    /// <summary>The kind of result: rows, void, set_keyspace, schema_change.</summary>
    public CqlResultKind Kind { get; internal set; }

    /// <summary>
    /// For a lightweight transaction (INSERT … IF NOT EXISTS, UPDATE … IF …): whether it was applied. The server
    /// returns it as the first column, named <c>[applied]</c>; when not applied the other columns hold the current
    /// values. True for every other statement.
    /// </summary>
    public bool WasApplied =>
        Columns.Count == 0 || Columns[0].Name != "[applied]" || Rows.Count == 0 || Rows[0].Get<bool>(0);

    /// <summary>An empty result (Void).</summary>
    internal static CqlRowSet Empty(CqlResultKind kind) =>
        new(Array.Empty<CqlColumn>(), Array.Empty<CqlRow>(), null) { Kind = kind };
}

/// <summary>The kinds of RESULT message (native protocol §4.2.5).</summary>
public enum CqlResultKind
{
    /// <summary>No information (writes).</summary>
    Void = 1,

    /// <summary>Rows of a select.</summary>
    Rows = 2,

    /// <summary>The answer to a USE.</summary>
    SetKeyspace = 3,

    /// <summary>The answer to a PREPARE.</summary>
    Prepared = 4,

    /// <summary>The answer to DDL.</summary>
    SchemaChange = 5,
}
