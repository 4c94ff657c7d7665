using MusicRecipes.Testing;

namespace MusicRecipes.ZooKeeper.Tests.Infrastructure;

/// <summary>
/// One real 3-node ensemble for the whole test project (client ports 22181-22183, quorum 22888+, election 23888+).
/// Tests that kill a server restart it before they finish; every test works under its own random path.
/// </summary>
public sealed class ZooKeeperEnsembleFixture : IAsyncLifetime
{
    public ZooKeeperTestEnsemble Ensemble { get; private set; } = null!;

    public string ConnectionString => Ensemble.ConnectionString;

    public async Task InitializeAsync()
    {
        Ensemble = await ZooKeeperTestEnsemble.StartAsync(new ZooKeeperTestEnsembleOptions
        {
            ServerCount = 3,
            BaseClientPort = 22181,
            BaseQuorumPort = 22888,
            BaseElectionPort = 23888,
            TickTimeMs = 200,
        });
    }

    public async Task DisposeAsync() => await Ensemble.DisposeAsync();

    /// <summary>A connected client on the whole ensemble (or <paramref name="connectionString"/>).</summary>
    public Task<ZooKeeperClient> ConnectAsync(string? connectionString = null, TimeSpan? sessionTimeout = null, ZooKeeperAuthInfo? auth = null) =>
        ZooKeeperClient.ConnectAsync(ClientOptions(connectionString, sessionTimeout, auth));

    /// <summary>The suites' client options: the whole ensemble (or <paramref name="connectionString"/>), with <paramref name="auth"/> if given.</summary>
    public ZooKeeperClientOptions ClientOptions(string? connectionString = null, TimeSpan? sessionTimeout = null, ZooKeeperAuthInfo? auth = null)
    {
        var options = new ZooKeeperClientOptions
        {
            ConnectionString = connectionString ?? ConnectionString,
            SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(6),
            ConnectionTimeout = TimeSpan.FromSeconds(20),
        };
        if (auth is not null)
        {
            options.AuthInfo.Add(auth);
        }

        return options;
    }

    /// <summary>Brings every killed server back (tests that kill one call this in <c>finally</c>).</summary>
    public async Task RestoreAsync()
    {
        for (var i = 0; i < Ensemble.ServerCount; i++)
        {
            if (!Ensemble.IsRunning(i))
            {
                await Ensemble.RestartAsync(i);
            }
        }
    }

    /// <summary>A fresh path for one test.</summary>
    public static string UniqueRoot() => "/t-" + Guid.NewGuid().ToString("N")[..12];
}
