using System.Globalization;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Tls;

namespace MusicRecipes.ZooKeeper.Tests.Infrastructure;

/// <summary>
/// A standalone ZooKeeper server with a secure client port (127.0.0.1:22481, TLS through NettyServerCnxnFactory,
/// client certificates required — ZooKeeper's default <c>ssl.clientAuth=need</c>) beside its plain port 22381. Its own
/// ports, so it runs beside the suite's ensemble. Certificates are made at start, in memory.
/// </summary>
public sealed class TlsZooKeeper : IAsyncLifetime
{
    public const int PlainPort = 22381;
    public const int SecurePort = 22481;

    public TestServerTls Tls { get; } = TestServerTls.Create(requireClientCertificate: true);

    public ZooKeeperTestEnsemble Ensemble { get; private set; } = null!;

    public static string SecureConnectionString => "127.0.0.1:" + SecurePort.ToString(CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        Ensemble = await ZooKeeperTestEnsemble.StartAsync(new ZooKeeperTestEnsembleOptions
        {
            ServerCount = 1,
            BaseClientPort = PlainPort,
            BaseSecureClientPort = SecurePort,
            Tls = Tls,
        });
    }

    /// <summary>The kit's TLS client options (trusted authority, client certificate) for <paramref name="connectionString"/> (default: the secure port).</summary>
    public ZooKeeperClientOptions ClientOptions(string? connectionString = null)
    {
        var options = Ensemble.CreateSecureClientOptions(connectionString);
        options.SessionTimeout = TimeSpan.FromSeconds(6);
        options.ConnectionTimeout = TimeSpan.FromSeconds(20);
        return options;
    }

    public async Task DisposeAsync()
    {
        if (Ensemble is not null)
        {
            await Ensemble.DisposeAsync();
        }

        Tls.Dispose();
    }
}
