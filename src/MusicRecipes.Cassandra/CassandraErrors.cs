using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra;

/// <summary>Maps CQL client errors to the MUSIC error model (IDataStore / ILockStore contracts).</summary>
internal static class CassandraErrors
{
    /// <summary>
    /// Unavailable and "no node reachable" mean nothing was tried: <see cref="MusicUnavailableException"/>.
    /// Read/write timeouts (server or client side) and a connection lost after sending leave the outcome unknown:
    /// <see cref="MusicTimeoutException"/>. Anything else (invalid query…) is a bug and passes through.
    /// </summary>
    public static Exception? Map(Exception error, string operation) => error switch
    {
        CqlUnavailableException e => new MusicUnavailableException(
            $"{operation}: {e.Alive} of {e.Required} required replicas alive at {e.Consistency}.", e),
        CqlWriteTimeoutException e => new MusicTimeoutException(
            $"{operation}: {e.Received} of {e.BlockFor} replicas acknowledged at {e.Consistency} ({e.WriteType}); the write may be partial.", e),
        CqlReadTimeoutException e => new MusicTimeoutException(
            $"{operation}: {e.Received} of {e.BlockFor} replicas answered at {e.Consistency}.", e),
        CqlRequestTimeoutException e => new MusicTimeoutException($"{operation}: {e.Message}", e),
        CqlConnectionException { RequestMayHaveBeenSent: true } e => new MusicTimeoutException($"{operation}: {e.Message}", e),
        CqlNoHostAvailableException { RequestMayHaveRun: true } e => new MusicTimeoutException($"{operation}: {e.Message}", e),
        CqlNoHostAvailableException e => new MusicUnavailableException($"{operation}: {e.Message}", e),
        CqlConnectionException e => new MusicUnavailableException($"{operation}: {e.Message}", e),
        CqlNodeNotReadyException e => new MusicUnavailableException($"{operation}: {e.Message}", e),
        _ => null,
    };

    /// <summary>Runs <paramref name="action"/> and rethrows mapped errors.</summary>
    public static async Task<T> Guard<T>(string operation, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (CqlException e) when (Map(e, operation) is { } mapped)
        {
            throw mapped;
        }
    }
}
