namespace MusicRecipes.Tls;

/// <summary>Why a TLS handshake failed, in the terms a client needs to decide whether to try again.</summary>
internal enum TlsHandshakeFailure
{
    /// <summary>The server's certificate did not pass the check (see <see cref="TlsHandshakeException.PolicyErrors"/>). Final.</summary>
    CertificateRefused,

    /// <summary>The handshake failed with an alert or a mismatch (no common protocol or cipher, not a TLS port). Final.</summary>
    HandshakeRefused,

    /// <summary>
    /// The server asked for a client certificate, then dropped the connection: servers that require one do that, without
    /// an alert, to a client that offers none they trust. Final, though it looks like a network fault.
    /// </summary>
    ClientCertificateRefused,

    /// <summary>The connection dropped before the server asked for anything: may be transient, like any connection error.</summary>
    ConnectionDropped,
}
