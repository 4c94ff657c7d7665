using MusicRecipes.Conformance;
using MusicRecipes.InMemory;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Cuts a site off with Cassandra data and the in-memory lock service: the lock service is cut as the in-memory
/// cluster does it, and the site's Cassandra access by cutting the proxy to its coordinator. Only the client side is
/// cut — the nodes keep replicating among themselves — so the site loses quorum and locks while the other sites go
/// on, and nothing the cut site sees is wrong: a request cut after it was sent is a timeout (outcome unknown), one
/// refused before it is unavailable (nothing written), as MUSIC's error model requires.
/// </summary>
public sealed class CassandraSitePartitions(SiteCoordinators sites, InMemoryMusicCluster lockService) : IPartitionFaults
{
    public Task CutOffAsync(int site)
    {
        lockService.CutOff(site);
        sites.Cut(site);
        return Task.CompletedTask;
    }

    public Task HealAsync(int site)
    {
        sites.Heal(site);
        lockService.Heal(site);
        return Task.CompletedTask;
    }
}
