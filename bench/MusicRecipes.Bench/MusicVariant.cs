using System.Runtime.CompilerServices;
using MusicRecipes.Storage;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Bench;

/// <summary>
/// MUSIC: <see cref="MusicClient"/> over <see cref="ZooKeeperLockStore"/> (one ZooKeeper session per client, to its
/// site's servers) — or, for the request counts, over the Cassandra lock store — and the Cassandra data store (its
/// site's node coordinates). A section is createLockRef, wait,
/// k × (criticalGet + criticalPut), release; a critical get is served by the local replica when the lock state proves
/// it current, and at QUORUM otherwise.
/// </summary>
internal sealed class MusicVariant : ISectionVariant
{
    private readonly MusicClient[] _clients;
    private readonly IDataStore _verifier;

    private MusicVariant(string name, MusicClient[] clients, IDataStore verifier)
    {
        Name = name;
        _clients = clients;
        _verifier = verifier;
    }

    public string Name { get; }

    public IReadOnlyList<MusicClient> Clients => _clients;

    public static MusicVariant Create(BenchNetwork network, int clients, string lockRoot) =>
        new("MUSIC", Enumerable.Range(0, clients).Select(i => CreateClient(network, network.SiteOf(i), lockRoot)).ToArray(), MusicStores.DataStore(network, network.Sites[0]));

    /// <summary>MUSIC with its locks in Cassandra lightweight transactions (<see cref="CassandraLockClients"/>).</summary>
    public static MusicVariant OnCassandraLocks(BenchNetwork network, int clients) =>
        new("MUSIC/Cassandra locks", Enumerable.Range(0, clients).Select(i => CassandraLockClients.Create(network, network.SiteOf(i))).ToArray(), MusicStores.DataStore(network, network.Sites[0]));

    /// <summary>A MUSIC client at <paramref name="site"/> with a ZooKeeper lock session of its own.</summary>
    public static MusicClient CreateClient(BenchNetwork network, BenchSite site, string lockRoot) => CreateClient(network, site, lockRoot, out _);

    /// <summary>The same, with the client's lock store (whose session a diagnosis may need to name).</summary>
    public static MusicClient CreateClient(BenchNetwork network, BenchSite site, string lockRoot, out ZooKeeperLockStore locks)
    {
        locks = ZooKeeperLockStore.Create(ZooKeeperSessions.Options(site.ZooKeeperConnectionString), new ZooKeeperLockStoreOptions { RootPath = lockRoot });
        return new MusicClient(MusicStores.DataStore(network, site), locks);
    }

    public Task PrepareKeyAsync(string key, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> RunSectionAsync(int client, string key, int operations, StrongBox<long> completed, CancellationToken cancellationToken)
    {
        var music = _clients[client];
        var lockRef = await music.CreateLockRefAsync([key], cancellationToken).ConfigureAwait(false);
        try
        {
            await music.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < operations; i++)
            {
                var value = Counter.Decode(await music.CriticalGetAsync(lockRef, key, cancellationToken).ConfigureAwait(false));
                await music.CriticalPutAsync(lockRef, key, Counter.Encode(value + 1), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref completed.Value);
            }
        }
        finally
        {
            await music.ReleaseLockAsync(lockRef, CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }

    public async Task<long> ReadCounterAsync(string key, CancellationToken cancellationToken) =>
        Counter.Decode((await _verifier.ReadAsync(key, DataConsistency.Quorum, cancellationToken).ConfigureAwait(false))?.Value);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }
}
