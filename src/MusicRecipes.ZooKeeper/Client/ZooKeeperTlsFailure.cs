using System.Net;
using MusicRecipes.Tls;

namespace MusicRecipes.ZooKeeper;

/// <summary>How the ZooKeeper client reports a failed TLS handshake with a server.</summary>
internal static class ZooKeeperTlsFailure
{
    /// <summary>
    /// A <see cref="ZooKeeperTlsException"/> for a refusal, which ends the client (no reconnect storm against servers
    /// that share the ensemble's TLS setup); for a connection that dropped before the server asked for anything, the
    /// <see cref="IOException"/> SslStream threw, which the client retries on the next server like any connection error.
    /// </summary>
    public static Exception ToException(TlsHandshakeException failure, DnsEndPoint server)
    {
        if (failure.Kind == TlsHandshakeFailure.ConnectionDropped)
        {
            return failure.InnerException!;
        }

        var hint = failure.Kind == TlsHandshakeFailure.HandshakeRefused
            ? " (is this a secureClientPort, with a protocol and cipher this client accepts, and does the server trust the client certificate?)"
            : string.Empty;
        return new ZooKeeperTlsException(
            null,
            $"TLS handshake with ZooKeeper server {server.Host}:{server.Port} failed: {failure.Message}{hint}; the client stopped connecting.",
            server,
            failure.PolicyErrors,
            failure.InnerException);
    }
}
