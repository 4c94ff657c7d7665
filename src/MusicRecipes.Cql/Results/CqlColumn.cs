namespace MusicRecipes.Cql;

/// <summary>A result column (or a bind marker of a prepared statement).</summary>
/// <param name="Keyspace">The keyspace of the column's table.</param>
/// <param name="Table">The table.</param>
/// <param name="Name">The column name or alias, e.g. <c>[applied]</c> or <c>writetime(value)</c>.</param>
/// <param name="Type">The column type.</param>
public sealed record CqlColumn(string Keyspace, string Table, string Name, CqlType Type);
