using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MusicRecipes.Tls;

namespace MusicRecipes.Hosting;

/// <summary>
/// TLS to a backend, from configuration (<c>Music:Cassandra:Tls</c>, <c>Music:ZooKeeper:Tls</c>): files, not certificate
/// objects, so a deployment mounts them from its secret store. Certificates are read when the backend connects; a file
/// that cannot be read fails the start naming its setting. <see cref="ClientCertificatePassword"/> is never logged,
/// traced, put in an error message or reported by health checks.
/// </summary>
/// <example>
/// <code>
/// // appsettings.json (the password from a secret store, e.g. the environment variable Music__Cassandra__Tls__ClientCertificatePassword)
/// {
///   "Music": {
///     "Cassandra": { "Tls": { "Enabled": true, "CaCertificatePath": "/etc/music/ca.pem", "ClientCertificatePath": "/etc/music/client.p12" } },
///     "ZooKeeper": { "ConnectionString": "zk1:2281,zk2:2281,zk3:2281", "Tls": { "Enabled": true, "CaCertificatePath": "/etc/music/ca.pem", "ClientCertificatePath": "/etc/music/client.p12" } }
///   }
/// }
/// </code>
/// </example>
public sealed class BackendTlsOptions
{
    /// <summary>Whether connections use TLS. Default false; the other settings count only when this is true.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The certificate authorities (a PEM file, which may hold several, or one DER certificate) the servers' certificates
    /// must chain to — the only ones trusted. Null: the machine's trust store.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>The client certificate with its private key (PKCS#12: .p12, .pfx), for servers that require one. Null: none.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The password of <see cref="ClientCertificatePath"/>. Bind it from a secret store; it is never logged.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>The name the servers' certificates must carry. Null: each server's address or host as configured.</summary>
    public string? HostName { get; set; }

    /// <summary>
    /// The TLS options of a backend's client (the CQL session's or the ZooKeeper client's <c>Tls</c>), or null
    /// when TLS is off. <paramref name="section"/> (e.g. <c>Music:Cassandra:Tls</c>) names the settings in errors.
    /// </summary>
    /// <exception cref="InvalidOperationException">A certificate file cannot be read (the message names the setting, never the password).</exception>
    public TlsClientOptions? ToClientOptions(string section)
    {
        if (!Enabled)
        {
            return null;
        }

        var tls = new TlsClientOptions { TargetHost = NullIfBlank(HostName) };
        tls.TrustedRoots.AddRange(LoadAuthorities(section));
        tls.ClientCertificates.AddRange(LoadClientCertificate(section));
        return tls;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private X509Certificate2Collection LoadAuthorities(string section)
    {
        var authorities = new X509Certificate2Collection();
        if (NullIfBlank(CaCertificatePath) is not { } path)
        {
            return authorities;
        }

        try
        {
            // Read once: PEM text (possibly several authorities) or one DER certificate.
            var content = File.ReadAllBytes(path);
            var text = System.Text.Encoding.ASCII.GetString(content);
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                authorities.ImportFromPem(text);
            }
            else
            {
                authorities.Add(X509CertificateLoader.LoadCertificate(content));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"{section}:CaCertificatePath: cannot read a certificate from {path}: {e.Message}", e);
        }

        return authorities.Count > 0
            ? authorities
            : throw new InvalidOperationException($"{section}:CaCertificatePath: {path} holds no certificate.");
    }

    private X509Certificate2Collection LoadClientCertificate(string section)
    {
        if (NullIfBlank(ClientCertificatePath) is not { } path)
        {
            return [];
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, ClientCertificatePassword);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            // e.Message is the loader's ("The certificate data cannot be read…"): it never carries the password.
            throw new InvalidOperationException($"{section}:ClientCertificatePath: cannot read a PKCS#12 certificate from {path} with {section}:ClientCertificatePassword: {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{section}:ClientCertificatePath: {path} has no private key.");
        }

        return [certificate];
    }
}
