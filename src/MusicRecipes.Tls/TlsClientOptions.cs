using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MusicRecipes.Tls;

/// <summary>
/// TLS on every connection of one of the in-house clients: the CQL client (<c>CqlSessionOptions.Tls</c>, for nodes with
/// Cassandra's <c>client_encryption_options: enabled: true</c>) and the ZooKeeper client (<c>ZooKeeperClientOptions.Tls</c>,
/// for the servers' <c>secureClientPort</c>). The handshake runs right after the TCP connect, before the client's own
/// protocol. A certificate that does not validate, or a handshake the server refuses, is final for the client (each
/// client documents how it reports it): the servers share the cluster's TLS setup, so trying the next one would fail alike.
/// </summary>
/// <example>
/// <code>
/// var tls = new TlsClientOptions();
/// tls.TrustedRoots.Add(X509Certificate2.CreateFromPem(File.ReadAllText("/etc/music/ca.pem")));
/// tls.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12FromFile("/etc/music/client.p12", password));
///
/// await using var session = await CqlSession.ConnectAsync(new CqlSessionOptions { ContactPoints = { "10.0.0.1", "10.0.0.2" }, Tls = tls }, ct);
/// await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = "zk1:2281,zk2:2281,zk3:2281", Tls = tls }, ct);
/// </code>
/// </example>
public sealed class TlsClientOptions
{
    /// <summary>
    /// The name the servers' certificates must carry (a DNS name or an IP address in their subject alternative names).
    /// Null: the name each server is reached by — a node's address for the CQL client ("10.0.0.1"), a server's host as
    /// the connection string writes it for the ZooKeeper client ("zk1") — so the certificates must list those.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// The certificate authorities the servers' certificates must chain to, and the only ones: the machine's trust store
    /// is not consulted when this has any certificate. Empty (the default): the machine's trust store.
    /// </summary>
    public X509Certificate2Collection TrustedRoots { get; } = [];

    /// <summary>
    /// Decides whether a server's certificate is accepted, given the errors the checks above found (chain against
    /// <see cref="TrustedRoots"/> or the machine's store, name against <see cref="TargetHost"/>). Null: accepted only
    /// when there is no error.
    /// </summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; set; }

    /// <summary>
    /// Certificates (with their private keys) offered to servers that ask for one: Cassandra nodes with
    /// <c>require_client_auth: true</c>, and ZooKeeper's secure port unless the servers set <c>ssl.clientAuth=none</c>
    /// (or <c>want</c>). The first one issued by an authority the server names is offered, else the first.
    /// </summary>
    public X509Certificate2Collection ClientCertificates { get; } = [];

    /// <summary>The TLS versions allowed. <see cref="SslProtocols.None"/> (the default) lets the operating system choose.</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    /// <summary>
    /// Whether the server's certificate is checked for revocation. Default <see cref="X509RevocationMode.NoCheck"/>:
    /// private certificate authorities rarely publish revocation lists, and an unreachable list would fail every connect.
    /// </summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>Refuses settings that cannot work, before anything is sent.</summary>
    /// <exception cref="ArgumentException">A blank <see cref="TargetHost"/>, a null root, or a client certificate without its private key.</exception>
    internal void Validate()
    {
        if (TargetHost is not null && string.IsNullOrWhiteSpace(TargetHost))
        {
            throw new ArgumentException("Tls.TargetHost must be a host name or an address, or null for the name each server is reached by.", nameof(TargetHost));
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

    /// <summary>The client side of a handshake that expects <paramref name="targetHost"/> in the server's certificate.</summary>
    internal SslClientAuthenticationOptions ToAuthenticationOptions(string targetHost, RemoteCertificateValidationCallback validation, LocalCertificateSelectionCallback selection)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
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
}
