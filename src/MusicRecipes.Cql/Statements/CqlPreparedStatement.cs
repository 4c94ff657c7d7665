namespace MusicRecipes.Cql;

/// <summary>
/// A statement prepared by <see cref="CqlSession.PrepareAsync"/>. The session caches it per query text and
/// re-prepares it on any node that answers UNPREPARED (a restarted node forgets its prepared statements).
/// </summary>
/// <example>
/// <code>
/// var insert = await session.PrepareAsync("INSERT INTO ks.t (k, v) VALUES (?, ?)", ct);
/// await session.ExecuteAsync(insert.Bind("key", 42), ct);
/// await session.ExecuteAsync(new CqlBoundStatement(insert, "key", 42) { Consistency = CqlConsistency.Quorum }, ct);
/// </code>
/// </example>
public sealed class CqlPreparedStatement
{
    internal CqlPreparedStatement(string cql, byte[] id, IReadOnlyList<CqlColumn> variables, IReadOnlyList<CqlColumn> resultColumns)
    {
        Cql = cql;
        Id = id;
        Variables = variables;
        ResultColumns = resultColumns;
        IsConditional = CqlStatement.LooksConditional(cql);
    }

    /// <summary>The CQL text.</summary>
    public string Cql { get; }

    /// <summary>The server's id for the statement (the same on every node).</summary>
    public byte[] Id { get; }

    /// <summary>The bind markers and their types; bound values are converted to these types.</summary>
    public IReadOnlyList<CqlColumn> Variables { get; }

    /// <summary>The result columns, when the server described them.</summary>
    public IReadOnlyList<CqlColumn> ResultColumns { get; }

    /// <summary>Whether the statement is a lightweight transaction (never retried).</summary>
    public bool IsConditional { get; }

    /// <summary>Binds values (in marker order) with default options.</summary>
    public CqlBoundStatement Bind(params object?[] values) => new(this, values);
}
