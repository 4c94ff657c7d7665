using System.Security.Cryptography.X509Certificates;
using MusicRecipes.Cql;
using MusicRecipes.Testing.Tls;
using MusicRecipes.Tls;

namespace MusicRecipes.Cassandra.Tests.Security;

/// <summary>TLS settings that cannot work are refused by <see cref="CqlSession.ConnectAsync"/> before anything is sent (no server needed).</summary>
public sealed class TlsOptionsValidationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task A_blank_target_host_is_refused(string host)
    {
        var options = Options(new TlsClientOptions { TargetHost = host });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => CqlSession.ConnectAsync(options));
        Assert.Contains("TargetHost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_certificate_without_its_private_key_is_refused()
    {
        using var authority = TestCertificateAuthority.Create();
        using var client = authority.IssueClientCertificate("orders-app");
        using var keyless = X509CertificateLoader.LoadCertificate(client.RawData);
        var options = Options(new TlsClientOptions { ClientCertificates = { keyless } });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => CqlSession.ConnectAsync(options));
        Assert.Contains("private key", error.Message, StringComparison.Ordinal);
        Assert.Contains("CN=orders-app", error.Message, StringComparison.Ordinal);
    }

    private static CqlSessionOptions Options(TlsClientOptions tls) => new()
    {
        ContactPoints = { "127.0.0.1" },
        Port = 1, // nothing listens there: a connect attempt would fail differently
        Tls = tls,
    };
}
