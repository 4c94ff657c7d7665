using System.Collections.Concurrent;

namespace MusicRecipes.ZooKeeper.Tests.Infrastructure;

/// <summary>Records a client's connection states in order.</summary>
public sealed class StateRecorder
{
    private readonly ConcurrentQueue<ZooKeeperConnectionState> _states = new();

    public StateRecorder(ZooKeeperClient client)
    {
        client.ConnectionStateChanged += (_, e) => _states.Enqueue(e.State);
    }

    public IReadOnlyList<ZooKeeperConnectionState> States => [.. _states];

    public bool Saw(ZooKeeperConnectionState state) => _states.Contains(state);
}
