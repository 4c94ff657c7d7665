using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using MusicRecipes.Cql.Connections;
using MusicRecipes.Cql.Protocol;

namespace MusicRecipes.Cql;

/// <summary>
/// An asynchronous client of a Cassandra cluster over the CQL native protocol (v4, or v3 for Cassandra 2.1,
/// negotiated per cluster). It keeps one multiplexed connection per node, discovers nodes from system.peers,
/// detects dead or frozen nodes (broken socket, unanswered heartbeat) and reconnects with backoff, prefers the
/// local data centre, and re-prepares statements on nodes that forgot them.
/// </summary>
/// <remarks>
/// A request that may have reached a node is retried on another node only when the statement is marked
/// <see cref="CqlStatement.IsIdempotent"/> and is not a lightweight transaction; server errors (Unavailable,
/// timeouts, invalid queries) surface as typed <see cref="CqlServerException"/>s.
/// </remarks>
/// <example>
/// <code>
/// var options = new CqlSessionOptions { ContactPoints = { "127.0.0.1" } };
/// await using var session = await CqlSession.ConnectAsync(options, ct);
/// var insert = await session.PrepareAsync("INSERT INTO ks.t (k, v) VALUES (?, ?)", ct);
/// await session.ExecuteAsync(new CqlBoundStatement(insert, "a", 1) { Consistency = CqlConsistency.Quorum }, ct);
/// await foreach (var row in session.QueryAsync(new CqlQuery("SELECT k, v FROM ks.t") { PageSize = 100 }, ct))
/// {
///     Console.WriteLine(row.Get&lt;string&gt;("k"));
/// }
/// </code>
/// </example>
public sealed partial class CqlSession : IAsyncDisposable
{
    private readonly CqlSessionOptions _options;
    private readonly HostRegistry _hosts;
    private readonly PreparedStatementCache _prepared = new();
    private readonly TimestampGenerator _timestamps = new();
    private readonly ILogger _logger;
    private int _disposed;

    private CqlSession(CqlSessionOptions options)
    {
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<CqlSession>();
        _hosts = new HostRegistry(options, RePrepareAllAsync);
    }

    /// <summary>The negotiated protocol version (3 or 4).</summary>
    public int ProtocolVersion => _hosts.ProtocolVersion;

    /// <summary>The data centre whose nodes are tried first.</summary>
    public string? LocalDataCenter => _hosts.LocalDataCenter;

    /// <summary>The known nodes and whether they are up.</summary>
    public IReadOnlyList<CqlHostInfo> Hosts => _hosts.Hosts.Select(h => h.Describe()).ToList();

    /// <summary>Connects to the cluster.</summary>
    /// <exception cref="CqlNoHostAvailableException">No contact point answered.</exception>
    /// <exception cref="CqlTlsException">A node's TLS handshake failed for good (<see cref="CqlSessionOptions.Tls"/>); the other nodes are not tried.</exception>
    public static async Task<CqlSession> ConnectAsync(CqlSessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var session = new CqlSession(options);
        try
        {
            await session._hosts.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a statement and returns its first (or only) page.</summary>
    /// <exception cref="CqlServerException">The coordinator answered with an error (typed by code).</exception>
    /// <exception cref="CqlRequestTimeoutException">No answer in time and the statement may not be retried.</exception>
    /// <exception cref="CqlNoHostAvailableException">No node could run it.</exception>
    public Task<CqlRowSet> ExecuteAsync(CqlStatement statement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return ExecuteCoreAsync(statement, statement.PagingState, cancellationToken);
    }

    /// <summary>Runs a query without values at the default consistency.</summary>
    public Task<CqlRowSet> ExecuteAsync(string cql, CancellationToken cancellationToken = default) =>
        ExecuteAsync(new CqlQuery(cql), cancellationToken);

    /// <summary>Runs a statement and streams every row, fetching the next page only when the previous is consumed.</summary>
    public async IAsyncEnumerable<CqlRow> QueryAsync(CqlStatement statement, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var pagingState = statement.PagingState;
        do
        {
            var page = await ExecuteCoreAsync(statement, pagingState, cancellationToken).ConfigureAwait(false);
            foreach (var row in page.Rows)
            {
                yield return row;
            }

            pagingState = page.PagingState;
        }
        while (pagingState is not null);
    }

    /// <summary>Prepares a statement (once per query text per session).</summary>
    public Task<CqlPreparedStatement> PrepareAsync(string cql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cql);
        return _prepared.GetOrPrepareAsync(cql, text => PrepareOnAnyHostAsync(text, cancellationToken));
    }

    /// <summary>
    /// Waits until every reachable node reports the same schema version (system.local and system.peers), as is
    /// needed after DDL before other nodes can be relied on to know a new table. Returns false on timeout.
    /// </summary>
    public async Task<bool> WaitForSchemaAgreementAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await SchemaAgreesAsync(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            if (deadline.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _hosts.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Asks every reachable node for its own schema version (system.local). Asking one node about its peers is not
    /// enough: a node that has not yet received a change agrees with its equally stale view of the others.
    /// </summary>
    private async Task<bool> SchemaAgreesAsync(CancellationToken cancellationToken)
    {
        var versions = new HashSet<Guid>();
        foreach (var host in _hosts.Hosts.Where(h => !h.IsDown))
        {
            try
            {
                var connection = await _hosts.GetConnectionAsync(host, cancellationToken).ConfigureAwait(false);
                var local = await _hosts.QueryOnAsync(connection, "SELECT schema_version FROM system.local", cancellationToken).ConfigureAwait(false);
                versions.UnionWith(local.Rows.Select(r => r.Get<Guid>("schema_version")));
            }
            catch (Exception e) when (e is CqlException or IOException)
            {
                // A node that cannot be asked cannot serve the new schema to us either; it will re-sync on its own.
                _logger.LogDebug(e, "Schema check on {Host} failed", host.EndPoint);
            }
        }

        return versions.Count == 1;
    }

    private async Task<CqlRowSet> ExecuteCoreAsync(CqlStatement statement, byte[]? pagingState, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var parameters = new QueryParameters(
            statement.Consistency ?? _options.DefaultConsistency,
            statement.SerialConsistency ?? _options.DefaultSerialConsistency,
            statement.Timestamp ?? (_options.ClientTimestamps && !statement.IsConditional ? _timestamps.Next() : null),
            statement is CqlBatch ? null : statement.PageSize ?? _options.PageSize,
            pagingState);

        using var activity = CqlTelemetry.Source.StartActivity(SpanName(statement), ActivityKind.Client);
        activity?.SetTag("db.system", "cassandra");
        activity?.SetTag("db.statement", statement.DescribeForTrace);
        activity?.SetTag("db.cassandra.consistency_level", parameters.Consistency.ToString());
        activity?.SetTag("db.cassandra.idempotence", statement.MayRetryAfterSend);
        try
        {
            var result = await RunOnPlanAsync(statement, parameters, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("db.cassandra.coordinator.id", result.Coordinator?.ToString());
            activity?.SetTag("db.cassandra.page_size", result.Rows.Count);
            return result;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    private async Task<CqlRowSet> RunOnPlanAsync(CqlStatement statement, QueryParameters parameters, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<IPEndPoint, Exception>();
        IEnumerable<CqlHost> plan = statement.Host is { } pinned
            ? new[] { _hosts.Find(pinned) ?? throw new ArgumentException($"{pinned} is not a node of this cluster.", nameof(statement)) }
            : _hosts.QueryPlan();
        foreach (var host in plan)
        {
            CqlConnection connection;
            try
            {
                connection = await _hosts.GetConnectionAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is CqlException or IOException && !cancellationToken.IsCancellationRequested)
            {
                Remember(errors, host.EndPoint, e);
                continue;
            }

            try
            {
                return await RunOnConnectionAsync(connection, statement, parameters, cancellationToken).ConfigureAwait(false);
            }
            catch (CqlConnectionException e) when (!e.RequestMayHaveBeenSent || statement.MayRetryAfterSend)
            {
                Remember(errors, host.EndPoint, e);
            }
            catch (CqlRequestTimeoutException e) when (statement.MayRetryAfterSend)
            {
                Remember(errors, host.EndPoint, e);
            }
            catch (CqlNodeNotReadyException e)
            {
                // Overloaded or bootstrapping: the node did not run the request, so any statement may move on.
                Remember(errors, host.EndPoint, e);
            }
            catch (CqlException e) when (errors.Values.Any(CqlNoHostAvailableException.MayHaveRun))
            {
                // An earlier node may have run the request (it timed out or its connection dropped after sending), so
                // a definite failure here (Unavailable, say) must not be reported as the outcome: the request as a
                // whole may have been applied. Reported with every node's error, which callers read as ambiguous.
                Remember(errors, host.EndPoint, e);
                throw new CqlNoHostAvailableException("A node may have run the request before another one failed it", errors);
            }

            _logger.LogDebug(errors[host.EndPoint], "Request failed on {Host}; trying the next node", host.EndPoint);
        }

        throw new CqlNoHostAvailableException("No node could run the request", errors);
    }

    /// <summary>
    /// Records a failed attempt, never replacing one that may have run with one that did not: the errors decide whether
    /// the request as a whole may have been applied (callers read any "may have run" as an unknown outcome).
    /// </summary>
    private static void Remember(Dictionary<IPEndPoint, Exception> errors, IPEndPoint endPoint, Exception error)
    {
        if (!(errors.TryGetValue(endPoint, out var earlier) && CqlNoHostAvailableException.MayHaveRun(earlier)))
        {
            errors[endPoint] = error;
        }
    }

    private async Task<CqlRowSet> RunOnConnectionAsync(CqlConnection connection, CqlStatement statement, QueryParameters parameters, CancellationToken cancellationToken)
    {
        var frame = statement switch
        {
            CqlQuery query => RequestBuilder.Query(query, parameters, statement.EnableTracing),
            CqlBoundStatement bound => RequestBuilder.Execute(bound, parameters, statement.EnableTracing),
            CqlBatch batch => RequestBuilder.Batch(batch, parameters, statement.EnableTracing),
            _ => throw new ArgumentException($"Unsupported statement type {statement.GetType().Name}.", nameof(statement)),
        };
        var timeout = statement.Timeout ?? _options.RequestTimeout;
        for (var attempt = 0; ; attempt++)
        {
            var response = await connection.SendAsync(frame, timeout, cancellationToken).ConfigureAwait(false);
            var reader = ResponseParser.Open(response, out var tracingId, out var warnings);
            if (response.Opcode == Opcode.Error)
            {
                var error = ResponseParser.ReadError(reader, connection.EndPoint);
                if (error is CqlUnpreparedException unprepared && attempt < 4)
                {
                    // The node restarted (or never saw the statement): prepare it there and run it again (a batch may need one
                    // round per prepared statement it holds). Safe for
                    // any statement, LWT included: the node did not execute anything.
                    await RePrepareAsync(connection, unprepared, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw error;
            }

            if (response.Opcode != Opcode.Result)
            {
                throw new CqlProtocolViolationException($"Unexpected {response.Opcode} answer to a request.");
            }

            var result = ResponseParser.ReadResult(reader, connection.Version, out _);
            result.Coordinator = connection.EndPoint;
            result.TracingId = tracingId;
            result.Warnings = warnings;
            return result;
        }
    }

    private static string SpanName(CqlStatement statement) => statement switch
    {
        CqlBatch => "cql batch",
        CqlBoundStatement => "cql execute",
        _ => "cql query",
    };
}
