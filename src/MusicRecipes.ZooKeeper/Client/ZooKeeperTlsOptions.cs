using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// TLS on every connection of a <see cref="ZooKeeperClient"/> (<see cref="ZooKeeperClientOptions.Tls"/>), for servers'
/// secure client port (<c>secureClientPort</c>, served by <c>NettyServerCnxnFactory</c>): the ordinary ZooKeeper protocol
/// inside TLS, so the connection string must name the secure ports. A server whose certificate does not validate, or a
/// handshake the server refuses, ends the client for good (<see cref="ZooKeeperTlsException"/> from every call, no
/// reconnect storm) — the servers share the ensemble's TLS setup.
/// </summary>
/// <example>
/// <code>
/// var options = new ZooKeeperClientOptions { ConnectionString = "zk1:2281,zk2:2281,zk3:2281", Tls = new ZooKeeperTlsOptions() };
/// options.Tls.TrustedRoots.Add(X509Certificate2.CreateFromPem(File.ReadAllText("/etc/music/zookeeper-ca.pem")));
/// // ZooKeeper asks for a client certificate by default (ssl.clientAuth=need).
/// options.Tls.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12FromFile("/etc/music/client.p12", password));
/// await using var zk = await ZooKeeperClient.ConnectAsync(options, ct);
/// </code>
/// </example>
public sealed class ZooKeeperTlsOptions
{
    /// <summary>
    /// The name the servers' certificates must carry (a DNS name or an IP address in their subject alternative names).
    /// Null: each server's host as the connection string writes it ("zk1", "10.0.0.1").
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
    /// Certificates (with their private keys) offered to servers that ask for one. ZooKeeper's secure port requires a
    /// client certificate unless the servers set <c>ssl.clientAuth=none</c> (or <c>want</c>).
    /// </summary>
    public X509Certificate2Collection ClientCertificates { get; } = [];

    /// <summary>The TLS versions allowed. <see cref="SslProtocols.None"/> (the default) lets the operating system choose.</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    /// <summary>
    /// Whether the server's certificate is checked for revocation. Default <see cref="X509RevocationMode.NoCheck"/>:
    /// private certificate authorities rarely publish revocation lists, and an unreachable list would fail every connect.
    /// </summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>The client side of the handshake with <paramref name="server"/>.</summary>
    internal SslClientAuthenticationOptions ToAuthenticationOptions(DnsEndPoint server, RemoteCertificateValidationCallback validation, LocalCertificateSelectionCallback selection)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost ?? server.Host,
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
            throw new ArgumentException("Tls.TargetHost must be a host name or an address, or null for each server's host.", nameof(TargetHost));
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
