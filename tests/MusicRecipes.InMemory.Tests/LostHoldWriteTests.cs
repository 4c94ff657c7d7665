using MusicRecipes.Locking;

namespace MusicRecipes.InMemory.Tests;

/// <summary>
/// A critical put that returns after its hold ended is not acknowledged (rule 6 of docs/design.md): the successor may
/// have synced the key before the put landed and its write-back then overrides the put, so reporting success would
/// lose an acknowledged write. Found by the lock protocol's model (docs/model.md, finding F1).
/// </summary>
public sealed class LostHoldWriteTests
{
    [Fact]
    public async Task A_put_in_flight_when_the_session_expires_is_reported_lost_not_acknowledged()
    {
        // Replicas wait long for a delayed write: the put must return (late), not time out.
        await using var cluster = new InMemoryMusicCluster(sites: 3, new InMemoryClusterOptions { ReplicaTimeout = TimeSpan.FromSeconds(30) });
        await using var holder = cluster.CreateClient(0);
        var lockRef = await holder.CreateLockRefAsync(["account"]);
        await holder.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(10));
        for (var site = 0; site < 3; site++)
        {
            cluster.DelayWrites(site, TimeSpan.FromSeconds(2)); // the put is in flight for a while
        }

        var put = holder.CriticalPutAsync(lockRef, "account", [42]);
        cluster.ExpireSession(holder);
        var lost = await Assert.ThrowsAsync<LockLostException>(() => put.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(LockLossReason.SessionExpired, lost.Reason);
        Assert.True(lost.WriteMayHaveApplied, "the write was sent: its outcome is unknown, not 'not written'");
        Assert.False(lockRef.IsHeld);
    }
}
