using MusicRecipes.InMemory;

namespace MusicRecipes.Hosting;

/// <summary>Selects the embedded in-memory backend.</summary>
/// <example>
/// <code>
/// services.AddMusic(o => o.UseInMemory(sites: 3, site: 0));
///
/// // several hosts (one per simulated site) on one cluster, e.g. in tests:
/// var cluster = new InMemoryMusicCluster(sites: 3);
/// services.AddMusic(o => o.UseInMemory(cluster, site: 2));
/// </code>
/// </example>
public static class MusicOptionsInMemoryExtensions
{
    /// <summary>A process-local cluster of <paramref name="sites"/> simulated sites; this process's client is at <paramref name="site"/>.</summary>
    public static MusicOptions UseInMemory(this MusicOptions options, int sites = 3, int site = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(sites, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(site);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(site, sites);
        options.Backend = "InMemory";
        options.InMemory.Sites = sites;
        options.InMemory.Site = site;
        options.SharedCluster = null;
        return options;
    }

    /// <summary>An existing cluster (not disposed by the host); this process's client is at <paramref name="site"/>.</summary>
    public static MusicOptions UseInMemory(this MusicOptions options, InMemoryMusicCluster cluster, int site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentOutOfRangeException.ThrowIfNegative(site);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(site, cluster.SiteCount);
        options.Backend = "InMemory";
        options.InMemory.Sites = cluster.SiteCount;
        options.InMemory.Site = site;
        options.SharedCluster = cluster;
        return options;
    }
}
