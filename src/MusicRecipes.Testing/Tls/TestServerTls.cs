using System.Security.Cryptography.X509Certificates;
using MusicRecipes.Tls;

namespace MusicRecipes.Testing.Tls;

/// <summary>
/// TLS settings of test servers (<see cref="CassandraTestClusterOptions.Tls"/>, <see cref="ZooKeeperTestEnsembleOptions.Tls"/>):
/// the authority that signs the servers' certificates — the kit issues each server one for the addresses it serves —,
/// whether the servers require a client certificate, and a client certificate signed by the same authority, which the
/// kit's own clients present and tests can too.
/// </summary>
/// <example>
/// <code>
/// using var tls = TestServerTls.Create(requireClientCertificate: true);
/// await using var cluster = await CassandraTestCluster.StartAsync(new CassandraTestClusterOptions { NodeCount = 1, Tls = tls });
/// var options = cluster.CreateSessionOptions(); // trusts tls.Authority and presents tls.ClientCertificate
/// </code>
/// </example>
public sealed class TestServerTls : IDisposable
{
    /// <summary>The password of every key and trust store file the kit writes for the servers (test-only secrets).</summary>
    internal const string StorePassword = "musicrecipes-test-store";

    private readonly bool _ownsAuthority;

    /// <summary>Settings with <paramref name="authority"/> (which the caller keeps and disposes).</summary>
    public TestServerTls(TestCertificateAuthority authority, bool requireClientCertificate)
        : this(authority, requireClientCertificate, ownsAuthority: false)
    {
    }

    private TestServerTls(TestCertificateAuthority authority, bool requireClientCertificate, bool ownsAuthority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        Authority = authority;
        RequireClientCertificate = requireClientCertificate;
        _ownsAuthority = ownsAuthority;
        ClientCertificate = authority.IssueClientCertificate("musicrecipes-test-client");
    }

    /// <summary>The authority that signs the servers' certificates and <see cref="ClientCertificate"/>.</summary>
    public TestCertificateAuthority Authority { get; }

    /// <summary>Whether the servers refuse a client that presents no certificate signed by <see cref="Authority"/>.</summary>
    public bool RequireClientCertificate { get; }

    /// <summary>A client certificate (with its private key) signed by <see cref="Authority"/>.</summary>
    public X509Certificate2 ClientCertificate { get; }

    /// <summary>
    /// Client TLS options that trust <see cref="Authority"/> only and present <see cref="ClientCertificate"/>: what the
    /// kit's own clients use. A new instance each time, so a test can change it.
    /// </summary>
    public TlsClientOptions CreateClientOptions() => new() { TrustedRoots = { Authority.Certificate }, ClientCertificates = { ClientCertificate } };

    /// <summary>Settings with a fresh authority of their own (disposed with them).</summary>
    public static TestServerTls Create(bool requireClientCertificate = true) =>
        new(TestCertificateAuthority.Create(), requireClientCertificate, ownsAuthority: true);

    /// <inheritdoc />
    public void Dispose()
    {
        ClientCertificate.Dispose();
        if (_ownsAuthority)
        {
            Authority.Dispose();
        }
    }

    /// <summary>Issues a server certificate for <paramref name="names"/> and writes the server's store files into <paramref name="directory"/>.</summary>
    internal JavaKeyStoreFiles WriteServerStores(string directory, IEnumerable<string> names, bool pkcs12TrustStore)
    {
        using var server = Authority.IssueServerCertificate(names);
        return JavaKeyStoreFiles.Write(directory, server, Authority.Certificate, pkcs12TrustStore);
    }
}
