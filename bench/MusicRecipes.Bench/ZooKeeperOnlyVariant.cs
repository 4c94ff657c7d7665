using System.Runtime.CompilerServices;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Bench;

/// <summary>
/// "ZooKeeper only", a fair one: the lock is the standard recipe (<see cref="ZooKeeperPlainLock"/>) and the counter
/// lives in a znode, read with getData from the client's own server (safe under the lock: that server has applied the
/// predecessor's release, and so every write before it) and written with a versioned setData (which never conflicts
/// while the lock works; a conflict would be counted).
/// </summary>
internal sealed class ZooKeeperOnlyVariant : ISectionVariant
{
    private readonly ZooKeeperClient[] _clients;
    private readonly string _root;

    private ZooKeeperOnlyVariant(ZooKeeperClient[] clients, string root)
    {
        _clients = clients;
        _root = root;
    }

    public string Name => "ZooKeeper";

    public IReadOnlyList<ZooKeeperClient> Clients => _clients;

    /// <summary>Where the variant's lock directories live.</summary>
    public string LockRoot => _root + "/locks";

    public static async Task<ZooKeeperOnlyVariant> CreateAsync(BenchNetwork network, int clients, string root, CancellationToken cancellationToken)
    {
        var connected = new List<ZooKeeperClient>();
        try
        {
            for (var i = 0; i < clients; i++)
            {
                connected.Add(await ZooKeeperClient.ConnectAsync(ZooKeeperSessions.Options(network.SiteOf(i).ZooKeeperConnectionString), cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            foreach (var client in connected)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new ZooKeeperOnlyVariant(connected.ToArray(), root);
    }

    public async Task PrepareKeyAsync(string key, CancellationToken cancellationToken)
    {
        await _clients[0].EnsurePathAsync(LockDirectory(key), cancellationToken).ConfigureAwait(false);
        await _clients[0].EnsurePathAsync(_root + "/data", cancellationToken).ConfigureAwait(false);
        await _clients[0].CreateAsync(DataPath(key), Counter.Encode(0), CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RunSectionAsync(int client, string key, int operations, StrongBox<long> completed, CancellationToken cancellationToken)
    {
        var zk = _clients[client];
        var conflicts = 0;
        var held = await ZooKeeperPlainLock.AcquireAsync(zk, LockDirectory(key), cancellationToken).ConfigureAwait(false);
        try
        {
            for (var i = 0; i < operations; i++)
            {
                var (data, stat) = await zk.GetDataAsync(DataPath(key), null, cancellationToken).ConfigureAwait(false);
                try
                {
                    await zk.SetDataAsync(DataPath(key), Counter.Encode(Counter.Decode(data) + 1), stat.Version, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref completed.Value);
                }
                catch (BadVersionException)
                {
                    // Someone wrote while we held the lock: the lock failed. Counted, not retried, so it shows.
                    conflicts++;
                }
            }
        }
        finally
        {
            await ZooKeeperPlainLock.ReleaseAsync(zk, held, CancellationToken.None).ConfigureAwait(false);
        }

        return conflicts;
    }

    public async Task<long> ReadCounterAsync(string key, CancellationToken cancellationToken)
    {
        await _clients[0].SyncAsync(DataPath(key), cancellationToken).ConfigureAwait(false);
        var (data, _) = await _clients[0].GetDataAsync(DataPath(key), null, cancellationToken).ConfigureAwait(false);
        return Counter.Decode(data);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private string LockDirectory(string key) => $"{LockRoot}/{key}";

    private string DataPath(string key) => $"{_root}/data/{key}";
}
