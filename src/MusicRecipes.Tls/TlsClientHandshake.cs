using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MusicRecipes.Tls;

/// <summary>
/// The client side of a connection's TLS handshake: remembers what the certificate check found and whether the server
/// asked for a client certificate, so a failure says exactly what went wrong (<see cref="SslPolicyErrors"/> and the
/// chain's status, or the missing client certificate) instead of SslStream's generic text.
/// </summary>
internal sealed class TlsClientHandshake
{
    private readonly TlsClientOptions _options;
    private SslPolicyErrors? _refusedErrors;
    private string? _chainStatus;
    private string[]? _requestedIssuers;

    private TlsClientHandshake(TlsClientOptions options) => _options = options;

    /// <summary>
    /// Runs the handshake over <paramref name="transport"/> with a server reached as <paramref name="serverName"/> (the
    /// name its certificate must carry unless <see cref="TlsClientOptions.TargetHost"/> says otherwise); the returned
    /// stream owns the transport. On failure the transport is disposed.
    /// </summary>
    /// <exception cref="TlsHandshakeException">The handshake failed; <see cref="TlsHandshakeException.Kind"/> says how.</exception>
    public static async Task<SslStream> AuthenticateAsync(Stream transport, string serverName, TlsClientOptions options, CancellationToken cancellationToken)
    {
        var handshake = new TlsClientHandshake(options);
        var targetHost = options.TargetHost ?? serverName;
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(options.ToAuthenticationOptions(targetHost, handshake.Check, handshake.SelectClientCertificate), cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw handshake._refusedErrors is { } errors
                ? new TlsHandshakeException(TlsHandshakeFailure.CertificateRefused, $"its certificate was refused ({Describe(errors)}{handshake._chainStatus}; target host {targetHost})", errors, e)
                : new TlsHandshakeException(TlsHandshakeFailure.HandshakeRefused, e.Message, null, e);
        }
        catch (IOException e) when (handshake._requestedIssuers is { } issuers)
        {
            // The server asked for a client certificate, then dropped the handshake: Cassandra's require_client_auth and
            // ZooKeeper's ssl.clientAuth=need do that, without an alert, to a client that has no certificate they trust.
            await ssl.DisposeAsync().ConfigureAwait(false);
            var offered = options.ClientCertificates.Count == 0 ? "Tls.ClientCertificates is empty" : "it does not trust the one offered";
            var accepted = issuers.Length == 0 ? string.Empty : $"; it accepts certificates issued by {string.Join(" or ", issuers)}";
            throw new TlsHandshakeException(
                TlsHandshakeFailure.ClientCertificateRefused, $"it asked for a client certificate and dropped the handshake ({e.Message}): {offered}{accepted}", null, e);
        }
        catch (IOException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TlsHandshakeException(TlsHandshakeFailure.ConnectionDropped, e.Message, null, e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Describe(SslPolicyErrors errors) => errors == SslPolicyErrors.None ? "by Tls.RemoteCertificateValidation" : errors.ToString();

    /// <summary>
    /// Picks the client certificate when the server asks for one (as SslStream would: the first issued by an authority
    /// the server names, else the first), and remembers that it asked.
    /// </summary>
    private X509Certificate? SelectClientCertificate(object sender, string targetHost, X509CertificateCollection localCertificates, X509Certificate? remoteCertificate, string[] acceptableIssuers)
    {
        if (remoteCertificate is not null || acceptableIssuers.Length > 0)
        {
            _requestedIssuers = acceptableIssuers; // the server's certificate has come: this is its CertificateRequest
        }

        var offered = _options.ClientCertificates;
        return offered.FirstOrDefault(c => acceptableIssuers.Contains(c.Issuer, StringComparer.Ordinal)) ?? (offered.Count > 0 ? offered[0] : null);
    }

    private bool Check(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var accepted = _options.RemoteCertificateValidation is { } decide ? decide(sender, certificate, chain, errors) : errors == SslPolicyErrors.None;
        if (!accepted)
        {
            _refusedErrors = errors;
            var status = chain?.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct().ToArray() ?? [];
            _chainStatus = status.Length == 0 ? null : $": {string.Join(", ", status)}";
        }

        return accepted;
    }
}
