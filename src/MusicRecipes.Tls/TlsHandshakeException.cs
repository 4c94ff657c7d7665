using System.Net.Security;

namespace MusicRecipes.Tls;

/// <summary>
/// A failed <see cref="TlsClientHandshake"/>, in one shape for both clients, which turn it into their own exceptions.
/// <see cref="Exception.Message"/> names no server and no client: it reads after "TLS handshake with … failed: ".
/// <see cref="Exception.InnerException"/> is what SslStream threw.
/// </summary>
internal sealed class TlsHandshakeException(TlsHandshakeFailure kind, string message, SslPolicyErrors? policyErrors, Exception innerException)
    : Exception(message, innerException)
{
    /// <summary>Why the handshake failed.</summary>
    public TlsHandshakeFailure Kind { get; } = kind;

    /// <summary>What was wrong with the server's certificate; null unless <see cref="Kind"/> is <see cref="TlsHandshakeFailure.CertificateRefused"/>.</summary>
    public SslPolicyErrors? PolicyErrors { get; } = policyErrors;
}
