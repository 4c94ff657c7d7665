using PlacementService;
using Xunit.Abstractions;

namespace MusicRecipes.Samples.Tests;

public sealed class PlacementScenarioTests(ITestOutputHelper output)
{
    private sealed class OutputWriter(ITestOutputHelper output) : StringWriter
    {
        public override void WriteLine(string? value) => output.WriteLine(value ?? string.Empty);
    }

    [Fact]
    public async Task The_scenario_places_every_template_exactly_once_despite_a_crash_and_a_partition()
    {
        var options = new ScenarioOptions
        {
            TemplatesPerSite = 15,
            CrashAt = TimeSpan.FromMilliseconds(300),
            CutOffAt = TimeSpan.FromMilliseconds(600),
            CutOffFor = TimeSpan.FromSeconds(2),
        };
        await using var backend = new InMemoryPlacementBackend(options);

        var report = await new PlacementScenario(backend, options, new OutputWriter(output)).RunAsync();
        output.WriteLine(report.ToString());

        Assert.Equal(45, report.Submitted);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.Lost);
        Assert.Equal(45, report.Placed);
        Assert.True(report.CrashInjected);
        Assert.True(report.Recovered >= 1, "the crashed worker's template must be re-placed by another worker");
    }
}
