namespace PlacementService;

/// <summary>The knobs of the demo scenario (defaults finish well under a minute on two cores).</summary>
public sealed class ScenarioOptions
{
    public int Sites { get; set; } = 3;

    public int WorkersPerSite { get; set; } = 2;

    /// <summary>Cores per site; site 2 is small on purpose, so large templates are declined there.</summary>
    public int[] SiteCpu { get; set; } = [16, 12, 6];

    public int TemplatesPerSite { get; set; } = 30;

    public TimeSpan SubmitInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan PlacementTime { get; set; } = TimeSpan.FromMilliseconds(60);

    public TimeSpan AppLifetime { get; set; } = TimeSpan.FromMilliseconds(400);

    public TimeSpan InterSiteLatency { get; set; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When a worker at site 1 is crashed in the middle of a placement.</summary>
    public TimeSpan CrashAt { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When site 2 is cut off, and for how long.</summary>
    public TimeSpan CutOffAt { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan CutOffFor { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Prints the progress line this often.</summary>
    public TimeSpan ProgressEvery { get; set; } = TimeSpan.FromSeconds(1);
}
