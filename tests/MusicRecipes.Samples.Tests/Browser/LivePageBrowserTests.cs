using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MusicRecipes.Testing.Browser;
using PlacementService;

namespace MusicRecipes.Samples.Tests.Browser;

/// <summary>
/// The placement sample's live page in a real browser (headless chromium, embedded backend, three sites in one world):
/// its script renders every site from the dashboard API and the placed count follows the placements.
/// </summary>
public sealed partial class LivePageBrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTime = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly ScenarioOptions _options = new() { Sites = 3 };
    private readonly List<PlacementSite> _sites = [];
    private InMemoryPlacementBackend _backend = null!;
    private PlacementWorld _world = null!;

    public async Task InitializeAsync()
    {
        _backend = new InMemoryPlacementBackend(_options);
        _world = new PlacementWorld(_options);
        for (var site = 0; site < _options.Sites; site++)
        {
            _sites.Add(await PlacementSite.StartAsync(site, _backend, _world));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var site in _sites)
        {
            await site.DisposeAsync();
        }

        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task The_page_shows_all_three_sites_and_its_placed_count_rises()
    {
        using var http = new HttpClient { BaseAddress = _sites[0].Address, Timeout = Patience };
        await SubmitAndWaitPlacedAsync(http, 2);
        var before = await DumpAsync();
        Assert.Equal(["site-0", "site-1", "site-2"], SiteCards().Matches(before).Select(m => m.Groups[1].Value).Order());
        var placedBefore = PlacedCount(before);
        Assert.True(placedBefore >= 2, $"the page shows {placedBefore} placed after 2 placements");

        await SubmitAndWaitPlacedAsync(http, 3);
        var after = await DumpAsync();
        Assert.True(PlacedCount(after) >= placedBefore + 3, $"placed count {placedBefore} then {PlacedCount(after)} after 3 more placements");
        Assert.Equal(string.Empty, StatusLine().Match(after).Groups[1].Value); // no fetch failed
    }

    private async Task<string> DumpAsync() => await HeadlessChromium.DumpDomAsync(_sites[0].Address, ScriptTime);

    /// <summary>Submits <paramref name="count"/> templates and waits (through the API) until they are placed.</summary>
    private async Task SubmitAndWaitPlacedAsync(HttpClient http, int count)
    {
        var placedBefore = (await http.GetFromJsonAsync<DashboardCounts>("/api/dashboard"))!.Placed;
        using var deadline = new CancellationTokenSource(Patience);
        for (var i = 0; i < count; i++)
        {
            (await http.SubmitAcceptedAsync(new Template($"page-{Guid.NewGuid():N}", 1))).Dispose();
        }

        while ((await http.GetFromJsonAsync<DashboardCounts>("/api/dashboard", deadline.Token))!.Placed < placedBefore + count)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    private static int PlacedCount(string dom) =>
        PlacedCounter().Match(dom) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : throw new InvalidOperationException("No placed count in the page: " + dom);

    [GeneratedRegex("<b id=\"placed-count\">(\\d+)</b>")]
    private static partial Regex PlacedCounter();

    [GeneratedRegex("<span id=\"status\">([^<]*)</span>")]
    private static partial Regex StatusLine();

    [GeneratedRegex("data-site=\"(site-\\d+)\"")]
    private static partial Regex SiteCards();

    private sealed record DashboardCounts(int Placed);
}
