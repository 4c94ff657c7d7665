using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PlacementService;

namespace MusicRecipes.Samples.Tests;

/// <summary>One site's HTTP API on the embedded backend: submissions, status, and ProblemDetails (RFC 7807) for every error.</summary>
public sealed class PlacementApiTests : IAsyncLifetime
{
    private readonly ScenarioOptions _options = new() { Sites = 3 };
    private InMemoryPlacementBackend _backend = null!;
    private PlacementWorld _world = null!;
    private PlacementSite _site = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _backend = new InMemoryPlacementBackend(_options);
        _world = new PlacementWorld(_options);
        _site = await PlacementSite.StartAsync(0, _backend, _world);
        _http = new HttpClient { BaseAddress = _site.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _site.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task A_submitted_template_is_placed_and_reported_done()
    {
        using var accepted = await _http.SubmitAcceptedAsync(new Template("web", 2));
        var id = (await accepted.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["id"];
        Assert.Equal($"/templates/{id}", accepted.Headers.Location?.OriginalString);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? state = null;
        while (DateTime.UtcNow < deadline && state != "Done")
        {
            var status = await _http.GetFromJsonAsync<JsonElement>($"/templates/{id}");
            state = status.GetProperty("state").GetString();
            await Task.Delay(50);
        }

        Assert.Equal("Done", state);
        Assert.True(_world.Ledger.IsPlaced(id));
    }

    [Fact]
    public async Task An_invalid_template_is_a_validation_problem_naming_each_field()
    {
        var response = await _http.PostAsJsonAsync("/templates", new Template("", 0));

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Invalid template", problem.GetProperty("title").GetString());
        var errors = problem.GetProperty("errors");
        Assert.Equal("A template needs a name.", errors.GetProperty("name")[0].GetString());
        Assert.Equal("A template needs a positive number of cores.", errors.GetProperty("cpu")[0].GetString());
        Assert.Equal(0, _world.Ledger.Submitted);
    }

    [Fact]
    public async Task A_body_that_is_not_a_template_is_a_problem()
    {
        using var body = new StringContent("{\"name\": \"web\", \"cpu\": ", Encoding.UTF8, "application/json");
        var response = await _http.PostAsync("/templates", body);

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Malformed template", problem.GetProperty("title").GetString());
        Assert.Contains("{\"name\":\"web\",\"cpu\":4}", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_with_or_without_a_length()
    {
        var huge = new Template(new string('x', Template.MaxRequestBytes), 1);
        using var withLength = new StringContent(JsonSerializer.Serialize(huge), Encoding.UTF8, "application/json");
        using var chunked = JsonContent.Create(huge); // no Content-Length: sent chunked

        foreach (var body in new HttpContent[] { withLength, chunked })
        {
            var response = await _http.PostAsync("/templates", body);

            var problem = await ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal("Template too large", problem.GetProperty("title").GetString());
        }

        Assert.Equal(0, _world.Ledger.Submitted);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        using var body = new StringContent("name=web&cpu=4", Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await _http.PostAsync("/templates", body);

        var problem = await ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("Unsupported Media Type", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unknown_template_id_is_a_404_problem()
    {
        var response = await _http.GetAsync("/templates/site-0-nobody/42");

        var problem = await ReadProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("Unknown template", problem.GetProperty("title").GetString());
        Assert.Contains("site-0-nobody/42", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unmapped_path_is_a_problem_too()
    {
        var response = await _http.GetAsync("/no-such-thing");

        var problem = await ReadProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_dashboard_reports_the_site_its_workers_and_the_submissions()
    {
        (await _http.SubmitAcceptedAsync(new Template("web", 1))).Dispose();

        var dashboard = await _http.GetFromJsonAsync<JsonElement>("/api/dashboard");

        Assert.Equal(1, dashboard.GetProperty("submitted").GetInt32());
        Assert.Equal(0, dashboard.GetProperty("duplicates").GetInt32());
        var site = Assert.Single(dashboard.GetProperty("sites").EnumerateArray());
        Assert.Equal("site-0", site.GetProperty("name").GetString());
        Assert.Equal(_options.SiteCpu[0], site.GetProperty("cpuTotal").GetInt32());
        Assert.False(site.GetProperty("cutOff").GetBoolean());
        Assert.Equal(
            new[] { "site-0-w0", "site-0-w1" },
            site.GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public async Task The_live_page_is_served_at_the_root()
    {
        var response = await _http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/api/dashboard", await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
