using System.Net;
using System.Net.Security;

namespace MusicRecipes.Cql;

/// <summary>
/// The TLS handshake with a node failed (<see cref="CqlSessionOptions.Tls"/>): its certificate did not validate
/// (<see cref="PolicyErrors"/> says how), or the node refused the handshake (no client certificate, no common protocol or
/// cipher, not serving TLS). Final: <see cref="CqlSession.ConnectAsync"/> throws it as soon as the first node fails this
/// way instead of trying every node — the nodes share the cluster's TLS setup, so the others would fail alike.
/// </summary>
/// <example>
/// <code>
/// try { await using var session = await CqlSession.ConnectAsync(options, ct); }
/// catch (CqlTlsException e) when (e.PolicyErrors is { } errors) { logger.LogError("{Node} certificate refused: {Errors}", e.Host, errors); throw; }
/// </code>
/// </example>
public sealed class CqlTlsException : CqlException
{
    /// <summary>Creates the exception.</summary>
    public CqlTlsException(string message, IPEndPoint host, SslPolicyErrors? policyErrors, Exception? innerException = null)
        : base($"TLS handshake with {host} failed: {message}", innerException)
    {
        Host = host;
        PolicyErrors = policyErrors;
    }

    /// <summary>The node.</summary>
    public IPEndPoint Host { get; }

    /// <summary>What was wrong with the node's certificate, or null when the handshake failed before or beyond that check.</summary>
    public SslPolicyErrors? PolicyErrors { get; }
}
