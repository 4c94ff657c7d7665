namespace MusicRecipes.InMemory;

/// <summary>
/// Which sites can talk to which, what a round trip between sites costs, and how many were made. A cut-off site
/// still reaches its own replica (eventual operations keep working there: AP) but nothing else, including the
/// lock service, whose quorum lies with the other sites (CP).
/// </summary>
internal sealed class SiteNetwork(int siteCount, TimeProvider time)
{
    private readonly bool[] _cutOff = new bool[siteCount];
    private long _roundTrips;

    public TimeSpan Latency { get; set; }

    public int SiteCount { get; } = siteCount;

    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    public bool IsCutOff(int site)
    {
        lock (_cutOff)
        {
            return _cutOff[site];
        }
    }

    public void SetCutOff(int site, bool cutOff)
    {
        lock (_cutOff)
        {
            _cutOff[site] = cutOff;
        }
    }

    public bool CanReach(int from, int to) => from == to || (!IsCutOff(from) && !IsCutOff(to));

    /// <summary>The lock service answers a site that can reach a majority of sites.</summary>
    public bool CanReachLockService(int from)
    {
        var reachable = 0;
        for (var site = 0; site < SiteCount; site++)
        {
            reachable += CanReach(from, site) ? 1 : 0;
        }

        return reachable > SiteCount / 2;
    }

    /// <summary>One inter-site round trip on the caller's path: counted, and delayed by the configured latency.</summary>
    public Task RoundTripAsync(CancellationToken cancellationToken)
    {
        if (SiteCount == 1)
        {
            return Task.CompletedTask;
        }

        CountRoundTrip();
        var latency = Latency;
        return latency > TimeSpan.Zero ? Task.Delay(latency, time, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Counts one inter-site round trip whose delay is paid elsewhere (a quorum write's fan-out).</summary>
    public void CountRoundTrip()
    {
        if (SiteCount > 1)
        {
            Interlocked.Increment(ref _roundTrips);
        }
    }

    /// <summary>The one-way delay of a message to another site (replication off the caller's path).</summary>
    public Task OneWayAsync(int from, int to, CancellationToken cancellationToken)
    {
        var latency = Latency;
        return from != to && latency > TimeSpan.Zero ? Task.Delay(latency / 2, time, cancellationToken) : Task.CompletedTask;
    }
}
