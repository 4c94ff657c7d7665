namespace PlacementService;

/// <summary>The live page (Dashboard/index.html, embedded): it polls <c>/api/dashboard</c> and draws the three sites.</summary>
internal static class DashboardPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("PlacementService.Dashboard.index.html")
            ?? throw new InvalidOperationException("The dashboard page is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
