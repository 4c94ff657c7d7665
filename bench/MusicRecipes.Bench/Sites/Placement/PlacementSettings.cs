namespace MusicRecipes.Bench;

/// <summary>The shape of one placement run (the same for every variant).</summary>
/// <param name="SubmitsPerSecondPerSite">Offered load: each site's producer starts a submission this often, whether or not the last one returned.</param>
/// <param name="WorkersPerSite">Workers at each site, each with a lock-service session of its own.</param>
/// <param name="Steady">How long all sites submit before the cut-off (submit latencies and placement latencies come from here).</param>
/// <param name="CutOff">How long one site is cut off while everyone keeps submitting.</param>
/// <param name="SubmitTimeout">A submission not accepted within this is given up (counted as not accepted).</param>
/// <param name="Drain">After healing, how long the workers get to finish every accepted submission.</param>
/// <param name="BacklogPerSite">Capacity phase: items each site submits while the workers pause; claims/s is how fast they clear them.</param>
internal sealed record PlacementSettings(
    double SubmitsPerSecondPerSite,
    int WorkersPerSite,
    TimeSpan Steady,
    TimeSpan CutOff,
    TimeSpan SubmitTimeout,
    TimeSpan Drain,
    int BacklogPerSite)
{
    public static PlacementSettings For(BenchSettings settings) => settings.Quick
        ? new(2, settings.ClientsPerSite, TimeSpan.FromSeconds(4), settings.CutOff, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(40), 6)
        : new(2, settings.ClientsPerSite, TimeSpan.FromSeconds(20), settings.CutOff, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(120), 30);
}
