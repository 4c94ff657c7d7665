using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MusicRecipes.Hosting;
using MusicRecipes.Testing.Tls;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>
/// TLS settings bound from configuration (<c>Music:Cassandra:Tls</c>, <c>Music:ZooKeeper:Tls</c>) become the clients' TLS
/// options — the authority as the only trusted root, the client certificate with its key, the host name — and the
/// certificate password shows in no error, log record or health data. No servers: the TLS handshakes themselves are
/// tested against real servers in the Cassandra and ZooKeeper suites.
/// </summary>
public sealed class TlsConfigurationTests : IDisposable
{
    private const string Password = "p12-pa55-never-logged";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "musicrecipes-tls-config-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly TestCertificateAuthority _authority = TestCertificateAuthority.Create("Config test CA");
    private readonly X509Certificate2 _client;

    public TlsConfigurationTests()
    {
        Directory.CreateDirectory(_directory);
        _client = _authority.IssueClientCertificate("orders-app");
        File.WriteAllText(CaPem, _authority.Certificate.ExportCertificatePem());
        File.WriteAllBytes(CaDer, _authority.Certificate.Export(X509ContentType.Cert));
        File.WriteAllBytes(ClientP12, _client.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, Password));
    }

    private string CaPem => Path.Combine(_directory, "ca.pem");

    private string CaDer => Path.Combine(_directory, "ca.der");

    private string ClientP12 => Path.Combine(_directory, "client.p12");

    [Fact]
    public void Both_backends_tls_settings_bind_and_become_the_clients_tls_options()
    {
        using var provider = Services(Settings()).BuildServiceProvider();
        var cassandra = provider.GetRequiredService<IOptions<CassandraBackendOptions>>().Value;
        var zooKeeper = provider.GetRequiredService<IOptions<ZooKeeperBackendOptions>>().Value;

        Assert.True(cassandra.Tls.Enabled);
        Assert.Equal(CaPem, cassandra.Tls.CaCertificatePath);
        Assert.Equal(ClientP12, cassandra.Tls.ClientCertificatePath);
        Assert.Equal(Password, cassandra.Tls.ClientCertificatePassword);
        Assert.Equal("cassandra.internal", cassandra.Tls.HostName);
        Assert.True(zooKeeper.Tls.Enabled);
        Assert.Equal(CaDer, zooKeeper.Tls.CaCertificatePath);
        Assert.Null(zooKeeper.Tls.HostName);

        var cql = cassandra.Tls.ToClientOptions("Music:Cassandra:Tls")!;
        Assert.Equal("cassandra.internal", cql.TargetHost);
        Assert.Equal(_authority.Certificate.Thumbprint, Assert.Single(cql.TrustedRoots).Thumbprint); // from PEM
        var cqlClient = Assert.Single(cql.ClientCertificates);
        Assert.Equal(_client.Thumbprint, cqlClient.Thumbprint);
        Assert.True(cqlClient.HasPrivateKey);

        var zk = zooKeeper.Tls.ToClientOptions("Music:ZooKeeper:Tls")!;
        Assert.Null(zk.TargetHost); // each server's host as the connection string writes it
        Assert.Equal(_authority.Certificate.Thumbprint, Assert.Single(zk.TrustedRoots).Thumbprint); // from DER
        Assert.True(Assert.Single(zk.ClientCertificates).HasPrivateKey);
    }

    [Fact]
    public void Tls_is_off_unless_enabled()
    {
        var settings = Settings();
        settings.Remove("Music:Cassandra:Tls:Enabled");
        settings["Music:ZooKeeper:Tls:Enabled"] = "false";
        using var provider = Services(settings).BuildServiceProvider();
        var cassandra = provider.GetRequiredService<IOptions<CassandraBackendOptions>>().Value;
        var zooKeeper = provider.GetRequiredService<IOptions<ZooKeeperBackendOptions>>().Value;

        Assert.Null(cassandra.Tls.ToClientOptions("Music:Cassandra:Tls"));
        Assert.Null(zooKeeper.Tls.ToClientOptions("Music:ZooKeeper:Tls"));
    }

    [Fact]
    public void An_unreadable_certificate_names_its_setting_and_never_the_password()
    {
        var wrongPassword = new BackendTlsOptions { Enabled = true, ClientCertificatePath = ClientP12, ClientCertificatePassword = "guessed-" + Password };
        var error = Assert.Throws<InvalidOperationException>(() => wrongPassword.ToClientOptions("Music:Cassandra:Tls"));
        Assert.Contains("Music:Cassandra:Tls:ClientCertificatePath", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);

        var missing = new BackendTlsOptions { Enabled = true, CaCertificatePath = Path.Combine(_directory, "absent.pem") };
        var absent = Assert.Throws<InvalidOperationException>(() => missing.ToClientOptions("Music:ZooKeeper:Tls"));
        Assert.Contains("Music:ZooKeeper:Tls:CaCertificatePath", absent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_start_with_tls_settings_shows_the_password_in_no_log_record_and_no_health_data()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFakeLogging();
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Music:Cassandra:ContactPoints:0"] = "127.0.0.1",
            ["Music:Cassandra:Port"] = "1", // nothing listens there
            ["Music:Cassandra:LocalDataCenter"] = "dc1",
            ["Music:Cassandra:ConnectTimeout"] = "00:00:02",
            ["Music:ZooKeeper:ConnectionString"] = "127.0.0.1:1",
            ["Music:ZooKeeper:ConnectionTimeout"] = "00:00:02",
        });
        builder.Services.AddMusic().UseCassandra().UseZooKeeperLocks();
        builder.Services.AddHealthChecks().AddMusicHealthChecks();
        using var host = builder.Build();

        await Assert.ThrowsAsync<MusicUnavailableException>(() => host.StartAsync());

        var health = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["music"];
        Assert.DoesNotContain(Password, health.Description ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(health.Data.Values, v => v.ToString()!.Contains(Password, StringComparison.Ordinal));
        var logs = host.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, r => r.Message.Contains(Password, StringComparison.Ordinal) || (r.Exception?.ToString().Contains(Password, StringComparison.Ordinal) ?? false));
    }

    public void Dispose()
    {
        _client.Dispose();
        _authority.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static IServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddMusic().UseCassandra().UseZooKeeperLocks();
        return services;
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Music:Cassandra:ContactPoints:0"] = "127.0.0.1",
        ["Music:ZooKeeper:ConnectionString"] = "127.0.0.1:2281",
        ["Music:Cassandra:Tls:Enabled"] = "true",
        ["Music:Cassandra:Tls:CaCertificatePath"] = CaPem,
        ["Music:Cassandra:Tls:ClientCertificatePath"] = ClientP12,
        ["Music:Cassandra:Tls:ClientCertificatePassword"] = Password,
        ["Music:Cassandra:Tls:HostName"] = "cassandra.internal",
        ["Music:ZooKeeper:Tls:Enabled"] = "true",
        ["Music:ZooKeeper:Tls:CaCertificatePath"] = CaDer,
        ["Music:ZooKeeper:Tls:ClientCertificatePath"] = ClientP12,
        ["Music:ZooKeeper:Tls:ClientCertificatePassword"] = Password,
    };
}
