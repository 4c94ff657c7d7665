using MusicRecipes.Testing;
using MusicRecipes.Testing.Containers;
using MusicRecipes.Testing.Containers.Xunit;
using PlacementService;
using Xunit.Abstractions;

namespace MusicRecipes.Samples.Tests;

/// <summary>
/// The placement scenario on servers in containers (docs/testing.md), with what only containers can do: while the sites
/// place templates, site 2's Cassandra node is cut from the other two and the ZooKeeper leader from its followers. The
/// application sees them as a user's service would — through the addresses it is configured with — and must still place
/// every template exactly once. Skipped, with the reason, where Docker or the images are missing.
/// </summary>
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
[Collection(ContainerPlacementRuns.Name)]
public sealed class ContainerPlacementScenarioTests(ITestOutputHelper output)
{
    private sealed class OutputWriter(ITestOutputHelper output) : StringWriter
    {
        public override void WriteLine(string? value) => output.WriteLine(value ?? string.Empty);
    }

    [DockerFact]
    public async Task The_scenario_places_every_template_exactly_once_while_servers_are_partitioned_from_each_other()
    {
        await using var network = await ContainerNetwork.CreateAsync();
        string[] dataCentres = ["site0", "site1", "site2"];
        await using var cassandra = await CassandraContainerCluster.StartAsync(
            new CassandraContainerClusterOptions { NodeCount = 3, DataCenters = dataCentres, Network = network });
        await using var zooKeeper = await ZooKeeperContainerEnsemble.StartAsync(
            new ZooKeeperContainerEnsembleOptions { ServerCount = 3, Network = network });
        var settings = new RealBackendSettings
        {
            CassandraNodes = cassandra.ContactPoints,
            CassandraPort = cassandra.NativePort,
            DataCenters = dataCentres,
            ZooKeeper = zooKeeper.ConnectionString,
            SessionTimeout = TimeSpan.FromSeconds(2),
        };
        var options = new ScenarioOptions { TemplatesPerSite = 15 };
        RealPlacementBackend.UseRealTimings(options, settings);

        await using var backend = await RealPlacementBackend.StartAsync(settings, options.Sites);
        var scenario = new PlacementScenario(backend, options, new OutputWriter(output)).RunAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            await cassandra.IsolateAsync(3);
            await zooKeeper.IsolateAsync(await zooKeeper.LeaderIndexAsync());
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await cassandra.HealAsync();
            await zooKeeper.HealAsync();
        }

        var report = await scenario;
        output.WriteLine(report.ToString());
        Assert.Equal(45, report.Submitted);
        Assert.Equal(45, report.Placed);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.Lost);
    }
}

/// <summary>Six server JVMs and a scenario: they run alone, not beside the project's other real-backend tests, on two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ContainerPlacementRuns
{
    public const string Name = "container placement runs";
}
