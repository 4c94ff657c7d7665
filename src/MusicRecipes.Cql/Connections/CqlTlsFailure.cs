using System.Net;
using MusicRecipes.Tls;

namespace MusicRecipes.Cql.Connections;

/// <summary>How the CQL client reports a failed TLS handshake with a node.</summary>
internal static class CqlTlsFailure
{
    /// <summary>
    /// A <see cref="CqlTlsException"/> for a refusal, which <see cref="CqlSession.ConnectAsync"/> does not retry on the
    /// other nodes; a <see cref="CqlConnectionException"/> for a connection that dropped before the node asked for
    /// anything, retried like any connection error.
    /// </summary>
    public static CqlException ToException(TlsHandshakeException failure, IPEndPoint node) => failure.Kind switch
    {
        TlsHandshakeFailure.ConnectionDropped => new CqlConnectionException(
            $"The connection dropped during the TLS handshake: {failure.Message}", node, requestMayHaveBeenSent: false, failure.InnerException),
        TlsHandshakeFailure.HandshakeRefused => new CqlTlsException(
            $"{failure.Message} (does the node serve TLS on this port, with a protocol and cipher this client accepts, and does it require a client certificate?)",
            node,
            null,
            failure.InnerException),
        _ => new CqlTlsException($"{failure.Message}.", node, failure.PolicyErrors, failure.InnerException),
    };
}
