using System.Net;

namespace MusicRecipes.Cql;

/// <summary>
/// The connection to a node failed or closed. When <see cref="RequestMayHaveBeenSent"/> is false the request
/// never left this process and is safe to retry whatever it is.
/// </summary>
public sealed class CqlConnectionException : CqlException
{
    /// <summary>Creates the exception.</summary>
    public CqlConnectionException(string message, IPEndPoint? host, bool requestMayHaveBeenSent, Exception? innerException = null)
        : base(host is null ? message : $"{message} ({host})", innerException)
    {
        Host = host;
        RequestMayHaveBeenSent = requestMayHaveBeenSent;
    }

    /// <summary>The node.</summary>
    public IPEndPoint? Host { get; }

    /// <summary>Whether the request may have reached the node (so a non-idempotent statement must not be retried).</summary>
    public bool RequestMayHaveBeenSent { get; }
}

/// <summary>
/// No response within the per-request timeout. The outcome of the request is unknown. The stream id stays
/// reserved until the late response arrives or the connection closes.
/// </summary>
public sealed class CqlRequestTimeoutException : CqlException
{
    /// <summary>Creates the exception.</summary>
    public CqlRequestTimeoutException(IPEndPoint host, TimeSpan timeout)
        : base($"No response from {host} within {timeout.TotalMilliseconds:0} ms.")
    {
        Host = host;
        Timeout = timeout;
    }

    /// <summary>The node that did not answer.</summary>
    public IPEndPoint Host { get; }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>Every node of the query plan was tried and none could run the request.</summary>
public sealed class CqlNoHostAvailableException : CqlException
{
    /// <summary>Creates the exception.</summary>
    public CqlNoHostAvailableException(string message, IReadOnlyDictionary<IPEndPoint, Exception> errors)
        : base(Describe(message, errors), errors.Values.LastOrDefault())
    {
        Errors = errors;
    }

    /// <summary>The error each tried node gave.</summary>
    public IReadOnlyDictionary<IPEndPoint, Exception> Errors { get; }

    /// <summary>Whether a node may have run the request after all: one of the attempts was sent and got no answer.</summary>
    public bool RequestMayHaveRun => Errors.Values.Any(MayHaveRun);

    /// <summary>
    /// Whether a failed attempt may still have been run by its node: sent, then no answer (the client timed out or the
    /// connection dropped after sending). The outcome of such a request is unknown, not "failed".
    /// </summary>
    public static bool MayHaveRun(Exception attemptError) =>
        attemptError is CqlRequestTimeoutException or CqlConnectionException { RequestMayHaveBeenSent: true };

    private static string Describe(string message, IReadOnlyDictionary<IPEndPoint, Exception> errors) =>
        errors.Count == 0 ? message : $"{message}: {string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value.Message}"))}";
}

/// <summary>A response did not follow the protocol (truncated body, unknown opcode or type).</summary>
public sealed class CqlProtocolViolationException : CqlException
{
    /// <summary>Creates the exception.</summary>
    public CqlProtocolViolationException(string message)
        : base(message)
    {
    }
}
