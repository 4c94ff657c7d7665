using System.Security.Cryptography.X509Certificates;
using MusicRecipes.Testing.Tls;
using MusicRecipes.Tls;

namespace MusicRecipes.ZooKeeper.Tests.Unit;

/// <summary>TLS settings that cannot work are refused when the client is made, before anything is sent (no server needed).</summary>
public sealed class TlsOptionsValidationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_target_host_is_refused(string host)
    {
        var error = Assert.Throws<ArgumentException>(() => ZooKeeperClient.Start(Options(new TlsClientOptions { TargetHost = host })));
        Assert.Contains("TargetHost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_certificate_without_its_private_key_is_refused()
    {
        using var authority = TestCertificateAuthority.Create();
        using var client = authority.IssueClientCertificate("orders-app");
        using var keyless = X509CertificateLoader.LoadCertificate(client.RawData);

        var error = Assert.Throws<ArgumentException>(() => ZooKeeperClient.Start(Options(new TlsClientOptions { ClientCertificates = { keyless } })));
        Assert.Contains("private key", error.Message, StringComparison.Ordinal);
        Assert.Contains("CN=orders-app", error.Message, StringComparison.Ordinal);
    }

    private static ZooKeeperClientOptions Options(TlsClientOptions tls) => new() { ConnectionString = "127.0.0.1:1", Tls = tls };
}
