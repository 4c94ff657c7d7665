using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MusicRecipes.Cql;

/// <summary>
/// TLS on every connection of a <see cref="CqlSession"/> (<see cref="CqlSessionOptions.Tls"/>), for nodes that serve
/// the native protocol encrypted (Cassandra's <c>client_encryption_options: enabled: true</c>). The handshake runs right
/// after the TCP connect and before the CQL STARTUP. A node whose certificate does not validate, or a handshake the node
/// refuses, is a <see cref="CqlTlsException"/> from <see cref="CqlSession.ConnectAsync"/> at once — not retried on
/// the other nodes, which share the cluster's TLS setup.
/// </summary>
/// <example>
/// <code>
/// var options = new CqlSessionOptions { ContactPoints = { "10.0.0.1", "10.0.0.2" } };
/// options.Tls = new CqlTlsOptions();
/// options.Tls.TrustedRoots.Add(X509Certificate2.CreateFromPem(File.ReadAllText("/etc/music/cassandra-ca.pem")));
/// options.Tls.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12FromFile("/etc/music/client.p12", password));
/// await using var session = await CqlSession.ConnectAsync(options, ct);
/// </code>
/// </example>
public sealed class CqlTlsOptions
{
    /// <summary>
    /// The name the node's certificate must carry (a DNS name or an IP address in its subject alternative names).
    /// Null: each node's own address, e.g. "10.0.0.1", so the certificates must list the nodes' addresses.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// The certificate authorities the nodes' certificates must chain to, and the only ones: the machine's trust store is
    /// not consulted when this has any certificate. Empty (the default): the machine's trust store.
    /// </summary>
    public X509Certificate2Collection TrustedRoots { get; } = [];

    /// <summary>
    /// Decides whether a node's certificate is accepted, given the errors the checks above found (chain against
    /// <see cref="TrustedRoots"/> or the machine's store, name against <see cref="TargetHost"/>). Null: accepted only
    /// when there is no error.
    /// </summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; set; }

    /// <summary>Certificates (with their private keys) offered to nodes that require one (<c>require_client_auth: true</c>).</summary>
    public X509Certificate2Collection ClientCertificates { get; } = [];

    /// <summary>The TLS versions allowed. <see cref="SslProtocols.None"/> (the default) lets the operating system choose.</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    /// <summary>
    /// Whether the node's certificate is checked for revocation. Default <see cref="X509RevocationMode.NoCheck"/>:
    /// private certificate authorities rarely publish revocation lists, and an unreachable list would fail every connect.
    /// </summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>The client side of the handshake with the node at <paramref name="endPoint"/>.</summary>
    internal SslClientAuthenticationOptions ToAuthenticationOptions(IPEndPoint endPoint, RemoteCertificateValidationCallback validation, LocalCertificateSelectionCallback selection)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost ?? endPoint.Address.ToString(),
            EnabledSslProtocols = EnabledProtocols,
            CertificateRevocationCheckMode = RevocationMode,
            RemoteCertificateValidationCallback = validation,
            LocalCertificateSelectionCallback = selection,
        };
        if (ClientCertificates.Count > 0)
        {
            options.ClientCertificates = ClientCertificates;
        }

        if (TrustedRoots.Count > 0)
        {
            // The chain is built against these roots only, so the policy errors reflect them (not the machine's store).
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = RevocationMode };
            policy.CustomTrustStore.AddRange(TrustedRoots);
            options.CertificateChainPolicy = policy;
        }

        return options;
    }

    internal void Validate()
    {
        if (TargetHost is not null && string.IsNullOrWhiteSpace(TargetHost))
        {
            throw new ArgumentException("Tls.TargetHost must be a host name or an address, or null for each node's address.", nameof(TargetHost));
        }

        if (TrustedRoots.Any(root => root is null))
        {
            throw new ArgumentException("Tls.TrustedRoots contains a null certificate.", nameof(TrustedRoots));
        }

        foreach (var certificate in ClientCertificates)
        {
            if (certificate is null || !certificate.HasPrivateKey)
            {
                throw new ArgumentException(
                    $"Tls.ClientCertificates: a client certificate needs its private key ({certificate?.Subject ?? "null"} has none).", nameof(ClientCertificates));
            }
        }
    }
}
