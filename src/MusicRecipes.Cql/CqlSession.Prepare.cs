using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using MusicRecipes.Cql.Connections;
using MusicRecipes.Cql.Protocol;

namespace MusicRecipes.Cql;

// Prepared statements: prepared once per query text on any host, and again on a host that answers UNPREPARED or
// comes back up.
public sealed partial class CqlSession : IAsyncDisposable
{
    private async Task<CqlPreparedStatement> PrepareOnAnyHostAsync(string cql, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<IPEndPoint, Exception>();
        foreach (var host in _hosts.QueryPlan())
        {
            try
            {
                var connection = await _hosts.GetConnectionAsync(host, cancellationToken).ConfigureAwait(false);
                var body = await PrepareOnAsync(connection, cql, cancellationToken).ConfigureAwait(false);
                return new CqlPreparedStatement(cql, body.Id, body.Variables, body.ResultColumns);
            }
            catch (Exception e) when (e is CqlConnectionException or CqlRequestTimeoutException or CqlNodeNotReadyException or IOException)
            {
                // Preparing is idempotent: any node will do.
                errors[host.EndPoint] = e;
            }
        }

        throw new CqlNoHostAvailableException($"No node could prepare \"{cql}\"", errors);
    }

    private async Task<PreparedBody> PrepareOnAsync(CqlConnection connection, string cql, CancellationToken cancellationToken)
    {
        using var activity = CqlTelemetry.Source.StartActivity("cql prepare", ActivityKind.Client);
        activity?.SetTag("db.system", "cassandra");
        activity?.SetTag("db.statement", cql);
        var response = await connection.SendAsync(RequestBuilder.Prepare(cql), _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var reader = ResponseParser.Open(response, out _, out _);
        if (response.Opcode == Opcode.Error)
        {
            throw ResponseParser.ReadError(reader, connection.EndPoint);
        }

        ResponseParser.ReadResult(reader, connection.Version, out var body);
        return body ?? throw new CqlProtocolViolationException("PREPARE was not answered with a Prepared result.");
    }

    private async Task RePrepareAsync(CqlConnection connection, CqlUnpreparedException unprepared, CancellationToken cancellationToken)
    {
        var statement = _prepared.FindById(unprepared.StatementId) ?? throw unprepared;
        _logger.LogDebug("Re-preparing \"{Cql}\" on {Host}", statement.Cql, connection.EndPoint);
        await PrepareOnAsync(connection, statement.Cql, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs on every new connection: a node that restarted has lost its prepared statements, so prepare the cached
    /// ones before the connection serves requests. Failures are left to the UNPREPARED path.
    /// </summary>
    private async Task RePrepareAllAsync(CqlConnection connection, CancellationToken cancellationToken)
    {
        foreach (var statement in _prepared.All)
        {
            try
            {
                await PrepareOnAsync(connection, statement.Cql, cancellationToken).ConfigureAwait(false);
            }
            catch (CqlException e)
            {
                _logger.LogDebug(e, "Re-preparing \"{Cql}\" on {Host} failed", statement.Cql, connection.EndPoint);
            }
        }
    }
}
