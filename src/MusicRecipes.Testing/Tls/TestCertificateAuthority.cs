using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MusicRecipes.Testing.Tls;

/// <summary>
/// A throw-away certificate authority for tests, made in memory at test time (no key or certificate file is committed):
/// a self-signed RSA root that issues server certificates (for host names and addresses) and client certificates. RSA,
/// because Cassandra 2.1 offers only RSA cipher suites. Valid from a day ago for 30 days.
/// </summary>
/// <example>
/// <code>
/// using var ca = TestCertificateAuthority.Create("orders test CA");
/// using var server = ca.IssueServerCertificate(["localhost", "127.0.0.1"]);
/// using var client = ca.IssueClientCertificate("orders-app");
/// var trusted = ca.Certificate; // what a client trusts (its private key stays in the authority)
/// </code>
/// </example>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2 _root;

    private TestCertificateAuthority(X509Certificate2 root)
    {
        _root = root;
        Certificate = X509CertificateLoader.LoadCertificate(root.RawData);
    }

    /// <summary>The root certificate, without its private key: what clients and servers trust.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Makes a new authority whose root is named <c>CN=<paramref name="name"/></c>.</summary>
    public static TestCertificateAuthority Create(string name = "MusicRecipes test CA")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        // A day back, so a server whose clock is a little behind does not see a certificate from the future.
        var now = DateTimeOffset.UtcNow;
        return new TestCertificateAuthority(request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30)));
    }

    /// <summary>
    /// A server certificate (with its private key) for <paramref name="names"/>: each an IP address or a DNS name, put in
    /// the subject alternative names, which is what TLS clients check. The first name is also the subject's CN.
    /// </summary>
    public X509Certificate2 IssueServerCertificate(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names.ToList();
        if (list.Count == 0 || list.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A server certificate needs at least one name, none blank.", nameof(names));
        }

        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in list)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }

        return Issue($"CN={list[0]}", ServerAuthentication, alternativeNames.Build());
    }

    /// <summary>A client certificate (with its private key) named <c>CN=<paramref name="name"/></c>.</summary>
    public X509Certificate2 IssueClientCertificate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Issue($"CN={name}", ClientAuthentication, alternativeNames: null);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _root.Dispose();
        Certificate.Dispose();
    }

    private X509Certificate2 Issue(string subject, Oid usage, X509Extension? alternativeNames)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (alternativeNames is not null)
        {
            request.CertificateExtensions.Add(alternativeNames);
        }

        // The root's own window: an issued certificate may not outlive its issuer.
        using var issued = request.Create(_root, _root.NotBefore, _root.NotAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }
}
