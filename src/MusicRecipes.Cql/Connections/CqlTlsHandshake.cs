using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MusicRecipes.Cql.Connections;

/// <summary>
/// The client side of a connection's TLS handshake: remembers what the certificate check found, so a refusal names the
/// node and the exact failure (<see cref="SslPolicyErrors"/> and the chain's status) instead of SslStream's generic text.
/// </summary>
internal sealed class CqlTlsHandshake
{
    private readonly CqlTlsOptions _options;
    private SslPolicyErrors? _refusedErrors;
    private string? _chainStatus;
    private string[]? _requestedIssuers;

    private CqlTlsHandshake(CqlTlsOptions options) => _options = options;

    /// <summary>Runs the handshake over <paramref name="transport"/>; the returned stream owns it.</summary>
    /// <exception cref="CqlTlsException">The certificate was refused, or the node refused the handshake.</exception>
    /// <exception cref="CqlConnectionException">The connection dropped before the node's certificate arrived (may be transient).</exception>
    public static async Task<SslStream> AuthenticateAsync(Stream transport, IPEndPoint endPoint, CqlTlsOptions options, CancellationToken cancellationToken)
    {
        var handshake = new CqlTlsHandshake(options);
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(options.ToAuthenticationOptions(endPoint, handshake.Check, handshake.SelectClientCertificate), cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw handshake._refusedErrors is { } errors
                ? new CqlTlsException($"its certificate was refused ({Describe(errors)}{handshake._chainStatus}; target host {options.TargetHost ?? endPoint.Address.ToString()}).", endPoint, errors, e)
                : new CqlTlsException($"{e.Message} (does the node serve TLS on this port, with a protocol and cipher this client accepts, and does it require a client certificate?)", endPoint, null, e);
        }
        catch (IOException e) when (handshake._requestedIssuers is { } issuers)
        {
            // The node asked for a client certificate, then dropped the handshake: a node with require_client_auth does
            // that, without an alert, to a client that has no certificate it trusts. Not a network fault: final.
            await ssl.DisposeAsync().ConfigureAwait(false);
            var offered = options.ClientCertificates.Count == 0 ? "Tls.ClientCertificates is empty" : "the node does not trust the one offered";
            var accepted = issuers.Length == 0 ? string.Empty : $"; it accepts certificates issued by {string.Join(" or ", issuers)}";
            throw new CqlTlsException($"the node asked for a client certificate and dropped the handshake ({e.Message}): {offered}{accepted}.", endPoint, null, e);
        }
        catch (IOException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new CqlConnectionException($"The connection dropped during the TLS handshake: {e.Message}", endPoint, requestMayHaveBeenSent: false, e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Describe(SslPolicyErrors errors) => errors == SslPolicyErrors.None ? "by Tls.RemoteCertificateValidation" : errors.ToString();

    /// <summary>
    /// Picks the client certificate when the node asks for one (as SslStream would: the first issued by an authority the
    /// node names, else the first), and remembers that it asked.
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
