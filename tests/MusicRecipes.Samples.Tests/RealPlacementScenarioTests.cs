using MusicRecipes.Testing;
using PlacementService;
using Xunit.Abstractions;

namespace MusicRecipes.Samples.Tests;

/// <summary>
/// The placement scenario on real servers: a 1-node Cassandra and a standalone ZooKeeper started by the test kit
/// (about 10 s), on ports of this test's own (Cassandra 49043/47010, ZooKeeper 52183). The crash must hold the
/// crashed worker's lock until its ZooKeeper session expires, and the cut-off must expire the site's sessions.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class RealPlacementScenarioTests(ITestOutputHelper output)
{
    private sealed class OutputWriter(ITestOutputHelper output) : StringWriter
    {
        public override void WriteLine(string? value) => output.WriteLine(value ?? string.Empty);
    }

    [Fact]
    public async Task The_scenario_on_Cassandra_and_ZooKeeper_places_every_template_exactly_once()
    {
        await using var servers = await LocalServers.StartAsync(new LocalServerOptions
        {
            CassandraNodes = 1,
            CassandraNativePort = 49043,
            CassandraStoragePort = 47010,
            ZooKeeperServers = 1,
            ZooKeeperClientPort = 52183,
            ZooKeeperQuorumPort = 52890,
            ZooKeeperElectionPort = 53890,
        });
        var options = new ScenarioOptions { TemplatesPerSite = 15, CrashAt = TimeSpan.FromMilliseconds(300), CutOffAt = TimeSpan.FromMilliseconds(600) };
        var settings = servers.Settings(sessionTimeout: TimeSpan.FromSeconds(2));
        RealPlacementBackend.UseRealTimings(options, settings);
        var report = await RunAsync(settings, options);

        Assert.Equal(45, report.Submitted);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.Lost);
        Assert.Equal(45, report.Placed);
        Assert.True(report.CrashInjected);
        Assert.True(report.Recovered >= 1, "the crashed worker's template must be re-placed once its session expired");
    }

    private async Task<ScenarioReport> RunAsync(RealBackendSettings settings, ScenarioOptions options)
    {
        // The servers belong to the test (disposed last), not to the backend.
        await using var backend = await RealPlacementBackend.StartAsync(settings, options.Sites);
        var report = await new PlacementScenario(backend, options, new OutputWriter(output)).RunAsync();
        output.WriteLine(report.ToString());
        return report;
    }
}
