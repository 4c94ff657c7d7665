using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Worker;

/// <summary>
/// Tells whether a client's ZooKeeper session stayed whole over an interval. An answer that arrives after the session
/// was suspended or lost cannot be acknowledged: the lock may already belong to someone else even if the client has
/// not heard yet (rule 6 of docs/design.md), so such operations are classified indeterminate.
/// </summary>
internal sealed class SessionWatch
{
    private readonly ZooKeeperClient _client;
    private long _disruptions;

    public SessionWatch(ZooKeeperClient client)
    {
        _client = client;
        client.ConnectionStateChanged += (_, e) =>
        {
            if (e.State is not (ZooKeeperConnectionState.Connected or ZooKeeperConnectionState.Reconnected))
            {
                Interlocked.Increment(ref _disruptions);
            }
        };
    }

    /// <summary>A mark to compare against later with <see cref="UndisturbedSince"/>.</summary>
    public long Mark() => Interlocked.Read(ref _disruptions);

    /// <summary>
    /// True when no suspension or loss was reported since <paramref name="mark"/> and the session is connected now.
    /// Events are delivered on a dispatcher, so the current state is checked as well.
    /// </summary>
    public bool UndisturbedSince(long mark) =>
        Interlocked.Read(ref _disruptions) == mark
        && _client.ConnectionState is ZooKeeperConnectionState.Connected or ZooKeeperConnectionState.Reconnected;
}
