namespace MusicRecipes.ZooKeeper;

/// <summary>
/// An estimate of the ZooKeeper servers' clock. Each node this store writes comes back with the leader's time of
/// the write (mtime); taking it as the midpoint of our request's round trip gives the offset between the servers'
/// clock and ours, with an error of at most half a round trip plus the skew among the servers. Until the first
/// write the local clock is used.
/// </summary>
internal sealed class ServerClock(TimeProvider time)
{
    private long _offsetTicks;

    public DateTimeOffset UtcNow => time.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public DateTimeOffset LocalNow => time.GetUtcNow();

    /// <summary>Learns from a write sent at <paramref name="sentAt"/>, answered at <paramref name="answeredAt"/> (local clock), stamped <paramref name="serverMillis"/>.</summary>
    public void Observe(DateTimeOffset sentAt, DateTimeOffset answeredAt, long serverMillis)
    {
        var midpoint = sentAt + ((answeredAt - sentAt) / 2);
        var offset = DateTimeOffset.FromUnixTimeMilliseconds(serverMillis) - midpoint;
        Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
    }
}
