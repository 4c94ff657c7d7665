using MusicRecipes.InMemory;

namespace MusicRecipes.Hosting;

/// <summary>Selects the embedded in-memory backend (settings in <see cref="MusicOptions.InMemory"/>, section <c>Music:InMemory</c>).</summary>
/// <example>
/// <code>
/// services.AddMusic(o => o.UseInMemory(sites: 3, site: 0));
///
/// // sites and site from configuration ({ "Music": { "InMemory": { "Sites": 3, "Site": 1 } } }):
/// services.AddMusic(o => o.UseInMemory());
///
/// // several hosts (one per simulated site) on one cluster, e.g. in tests:
/// var cluster = new InMemoryMusicCluster(sites: 3);
/// services.AddMusic(o => o.UseInMemory(cluster, site: 2));
/// </code>
/// </example>
public static class MusicOptionsInMemoryExtensions
{
    /// <summary>
    /// A process-local cluster of <paramref name="sites"/> simulated sites; this process's client is at
    /// <paramref name="site"/>. A value left out keeps what configuration set (default 3 sites, site 0).
    /// </summary>
    public static MusicOptions UseInMemory(this MusicOptions options, int? sites = null, int? site = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (sites is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(sites));
            options.InMemory.Sites = count;
        }

        if (site is { } index)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(site));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, options.InMemory.Sites, nameof(site));
            options.InMemory.Site = index;
        }

        options.ChooseInMemory(sharedCluster: null);
        return options;
    }

    /// <summary>An existing cluster (not disposed by the host); this process's client is at <paramref name="site"/>.</summary>
    public static MusicOptions UseInMemory(this MusicOptions options, InMemoryMusicCluster cluster, int site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentOutOfRangeException.ThrowIfNegative(site);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(site, cluster.SiteCount);
        options.InMemory.Sites = cluster.SiteCount;
        options.InMemory.Site = site;
        options.ChooseInMemory(cluster);
        return options;
    }
}
