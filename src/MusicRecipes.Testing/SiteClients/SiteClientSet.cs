namespace MusicRecipes.Testing.SiteClients;

/// <summary>
/// The <see cref="FaultableSiteClient"/>s of a backend and which sites are cut off from the lock service: a site's
/// cut reaches every client of the site, including one that joins while it lasts, and a heal restores every lock link
/// except a crashed client's. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// var clients = new SiteClientSet();
/// clients.Add(await new SiteClientBuilder(1).WithSharedDataStore(store).WithZooKeeperLocks(servers, zk, locks).BuildAsync());
/// clients.CutOff(1);   // every client of site 1 loses the lock service, new ones too
/// clients.Heal(1);
/// await clients.DisposeAsync();
/// </code>
/// </example>
public sealed class SiteClientSet : IAsyncDisposable
{
    private readonly List<FaultableSiteClient> _clients = [];
    private readonly HashSet<int> _cutSites = [];

    /// <summary>Adds <paramref name="client"/>, cutting its lock links at once if its site is cut off.</summary>
    public FaultableSiteClient Add(FaultableSiteClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (_clients)
        {
            _clients.Add(client);
            if (_cutSites.Contains(client.SiteIndex))
            {
                client.CutLocks();
            }
        }

        return client;
    }

    /// <summary>The set's client that is <paramref name="client"/>; throws if it is not one of them.</summary>
    public FaultableSiteClient Find(IMusicClient client)
    {
        lock (_clients)
        {
            return _clients.Single(c => ReferenceEquals(c, client));
        }
    }

    /// <summary>Cuts the lock links of every client of <paramref name="site"/>, now and for clients added until <see cref="Heal"/>.</summary>
    public void CutOff(int site)
    {
        lock (_clients)
        {
            _cutSites.Add(site);
            foreach (var client in _clients.Where(c => c.SiteIndex == site))
            {
                client.CutLocks();
            }
        }
    }

    /// <summary>Heals the lock links of every client of <paramref name="site"/> (a crashed client's stay cut).</summary>
    public void Heal(int site)
    {
        lock (_clients)
        {
            _cutSites.Remove(site);
            foreach (var client in _clients.Where(c => c.SiteIndex == site))
            {
                client.HealLocks();
            }
        }
    }

    /// <summary>Heals one client's lock links after a fault of its own, unless its site is cut off (or it crashed).</summary>
    public void HealLocksUnlessCut(FaultableSiteClient client)
    {
        lock (_clients)
        {
            if (!_cutSites.Contains(client.SiteIndex))
            {
                client.HealLocks();
            }
        }
    }

    /// <summary>Disposes every client (a client disposed already is left as it is: a second dispose does nothing).</summary>
    public async ValueTask DisposeAsync()
    {
        FaultableSiteClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }
}
