using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Runs lightweight transactions and serial reads. An LWT is never retried blindly (its Paxos round may have
/// committed): a timeout or a connection lost after sending yields <c>null</c>, "outcome unknown", and the caller
/// settles it with a SERIAL read, which also finishes any Paxos round left in flight.
/// </summary>
internal sealed class LwtRunner
{
    private readonly CqlSession _session;

    public LwtRunner(CqlSession session, CqlConsistency serial)
    {
        _session = session;
        Serial = serial;
    }

    public CqlConsistency Serial { get; }

    /// <summary>A conditional statement at QUORUM commit with the configured serial consistency.</summary>
    public CqlBoundStatement Conditional(CqlPreparedStatement prepared, params object?[] values) =>
        new(prepared, values) { Consistency = CqlConsistency.Quorum, SerialConsistency = Serial };

    /// <summary>A conditional statement that gives up after <paramref name="timeout"/> (outcome unknown then).</summary>
    public CqlBoundStatement ConditionalWithin(TimeSpan timeout, CqlPreparedStatement prepared, params object?[] values) =>
        new(prepared, values) { Consistency = CqlConsistency.Quorum, SerialConsistency = Serial, Timeout = timeout };

    /// <summary>A linearizable read (rule 1 of docs/design.md); reads are idempotent and may be retried.</summary>
    public CqlBoundStatement SerialRead(CqlPreparedStatement prepared, params object?[] values) =>
        new(prepared, values) { Consistency = Serial, IsIdempotent = true };

    /// <summary>A plain QUORUM read, for polling only (never to decide who holds a lock).</summary>
    public static CqlBoundStatement QuorumRead(CqlPreparedStatement prepared, params object?[] values) =>
        new(prepared, values) { Consistency = CqlConsistency.Quorum, IsIdempotent = true };

    /// <summary>Runs an LWT; null when its outcome is unknown.</summary>
    public async Task<CqlRowSet?> TryAsync(CqlStatement statement, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await _session.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
        }
        catch (CqlException e) when (IsAmbiguous(e))
        {
            return null;
        }
        catch (CqlException e) when (CassandraErrors.Map(e, operation) is { } mapped)
        {
            throw mapped;
        }
    }

    public Task<CqlRowSet> ReadAsync(CqlStatement statement, string operation, CancellationToken cancellationToken) =>
        CassandraErrors.Guard(operation, () => _session.ExecuteAsync(statement, cancellationToken));

    private static bool IsAmbiguous(CqlException e) =>
        e is CqlWriteTimeoutException or CqlNoHostAvailableException { RequestMayHaveRun: true } || CqlNoHostAvailableException.MayHaveRun(e);
}
