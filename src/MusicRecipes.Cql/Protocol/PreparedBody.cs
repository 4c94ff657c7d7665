namespace MusicRecipes.Cql.Protocol;

/// <summary>The body of a Prepared result.</summary>
internal sealed record PreparedBody(byte[] Id, IReadOnlyList<CqlColumn> Variables, IReadOnlyList<CqlColumn> ResultColumns);
