namespace PlacementService;

/// <summary>The outcome of one scenario run.</summary>
public sealed record ScenarioReport(
    string Backend,
    int Submitted,
    int Placed,
    IReadOnlyDictionary<string, int> PlacedPerSite,
    bool CrashInjected,
    int Recovered,
    int Declined,
    int Refused,
    int Duplicates,
    int Lost,
    TimeSpan Elapsed)
{
    public override string ToString() =>
        $"""
        Placement report ({Backend})
          templates submitted        {Submitted}
          templates placed           {Placed}   ({string.Join(", ", PlacedPerSite.Select(p => $"{p.Key}: {p.Value}"))})
          worker crashed mid-item    {(CrashInjected ? "yes" : "no")}
          recovered after a crash    {Recovered}   (claimed by a worker that crashed or was cut off, then placed or adopted by another)
          declined by a site         {Declined}   (too large for that site; placed elsewhere)
          stale placements refused   {Refused}   (by the cloud, on their fencing token)
          duplicates                 {Duplicates}   (must be 0)
          lost                       {Lost}   (must be 0)
          time                       {Elapsed.TotalSeconds:F1} s
        """;
}
