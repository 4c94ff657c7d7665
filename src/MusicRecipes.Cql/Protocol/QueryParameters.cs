namespace MusicRecipes.Cql.Protocol;

/// <summary>The resolved &lt;query_parameters&gt; of a QUERY/EXECUTE or the tail of a BATCH.</summary>
internal sealed record QueryParameters(
    CqlConsistency Consistency,
    CqlConsistency? SerialConsistency,
    long? Timestamp,
    int? PageSize,
    byte[]? PagingState);
