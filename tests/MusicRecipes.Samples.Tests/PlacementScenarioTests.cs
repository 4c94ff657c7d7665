using System.Net;
using System.Net.Http.Json;
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

    [Fact]
    public async Task The_http_endpoint_validates_input_and_reports_a_template_done()
    {
        var options = new ScenarioOptions { Sites = 3 };
        await using var backend = new InMemoryPlacementBackend(options);
        var ledger = new PlacementLedger();
        await using var site = await PlacementSite.StartAsync(0, backend, ledger, options);
        using var http = new HttpClient { BaseAddress = site.Address };

        var bad = await http.PostAsJsonAsync("/templates", new Template("", 0));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var accepted = await http.PostAsJsonAsync("/templates", new Template("web", 2));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["id"];

        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? state = null;
        while (DateTime.UtcNow < deadline && state != "Done")
        {
            var status = await http.GetFromJsonAsync<Dictionary<string, object?>>($"/templates/{id}");
            state = status!["state"]?.ToString();
            await Task.Delay(50);
        }

        Assert.Equal("Done", state);
        Assert.True(ledger.IsPlaced(id));
    }
}
