using MusicRecipes.Cassandra.Tests.Infrastructure;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// A real partial write on the shared cluster. The writer's site coordinates through one node of its own
/// (<see cref="SiteCoordinators"/>); arming freezes (SIGSTOP) the other two nodes, so that coordinator stores the
/// write in its own replica and then times out waiting for a second acknowledgement — WriteTimeout, 1 of 2 at
/// QUORUM, which the data store reports as <see cref="MusicTimeoutException"/>. The fixture's cross_node_timeout
/// makes the resumed nodes drop that stale write instead of applying it late, so it stays on one replica of three
/// (until hinted handoff delivers it minutes later: a late packet of the old holder, which fencing also defeats).
/// This is the state rule 3 of docs/design.md exists for: a QUORUM read sees the write or not depending on the replicas
/// it meets, until a new holder syncs the key.
/// </summary>
public sealed class CassandraPartialWrites(CassandraClusterFixture fixture)
{
    private readonly List<int> _paused = new();

    /// <summary>Freezes every node but the coordinator of <paramref name="writerSite"/>: its next critical put lands on that one replica and times out.</summary>
    public async Task ArmAsync(int writerSite)
    {
        var coordinator = SiteCoordinators.NodeOf(writerSite);

        // The coordinator must believe its peers alive: one that gossip has convicted answers Unavailable and stores
        // nothing. So everything is confirmed up first, and the freeze comes last, right before the write: a few
        // seconds of silence are far from a conviction.
        await fixture.Cluster.EnsureAllUpAsync();
        for (var node = 1; node <= fixture.Cluster.NodeCount; node++)
        {
            if (node == coordinator)
            {
                continue;
            }

            lock (_paused)
            {
                _paused.Add(node);
            }

            await fixture.Cluster.PauseAsync(node);
        }
    }

    /// <summary>Resumes the frozen nodes and waits until every node sees every other one up again; nothing to do when none is frozen.</summary>
    public async Task RecoverAsync()
    {
        lock (_paused)
        {
            if (_paused.Count == 0)
            {
                return;
            }

            _paused.Clear();
        }

        await fixture.Cluster.EnsureAllUpAsync();
    }
}
