using System.Text;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Bench;

/// <summary>
/// The placement service on ZooKeeper alone, a Curator-style distributed queue with a lock per item: a submission
/// creates a PERSISTENT_SEQUENTIAL node holding the payload (a write); a worker lists the items and the claims (local
/// reads), claims an unclaimed item by creating an EPHEMERAL claim node (a write: exactly one creator wins, and a
/// crashed or expired worker's claim goes with its session), and completes it by deleting the item and its claim in
/// one multi (a write). Idle workers wait for a children watch on the items.
/// </summary>
internal sealed class ZooKeeperQueuePlacement : IPlacementVariant
{
    private readonly BenchNetwork _network;
    private readonly int _workerCount;
    private readonly string _items;
    private readonly string _claims;
    private readonly List<ZooKeeperClient> _producers = [];
    private readonly List<ZooKeeperClient> _workers = [];
    private readonly TaskCompletionSource?[] _itemsChanged;

    public ZooKeeperQueuePlacement(BenchNetwork network, string run, int workers)
    {
        _network = network;
        _workerCount = workers;
        _items = $"/bench/zkqueue/{run}/items";
        _claims = $"/bench/zkqueue/{run}/claims";
        _itemsChanged = new TaskCompletionSource?[workers];
    }

    public string Name => "ZooKeeper";

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        foreach (var site in _network.Sites)
        {
            _producers.Add(await ZooKeeperClient.ConnectAsync(ZooKeeperSessions.Options(site.ZooKeeperConnectionString), cancellationToken).ConfigureAwait(false));
        }

        for (var worker = 0; worker < _workerCount; worker++)
        {
            _workers.Add(await ZooKeeperClient.ConnectAsync(ZooKeeperSessions.Options(_network.SiteOf(worker).ZooKeeperConnectionString), cancellationToken).ConfigureAwait(false));
        }

        await _producers[0].EnsurePathAsync(_items, cancellationToken).ConfigureAwait(false);
        await _producers[0].EnsurePathAsync(_claims, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> SubmitAsync(int site, string payload, CancellationToken cancellationToken)
    {
        var created = await _producers[site].CreateAsync(_items + "/i-", Encoding.UTF8.GetBytes(payload), CreateMode.PersistentSequential, cancellationToken).ConfigureAwait(false);
        return created.Path[(_items.Length + 1)..];
    }

    public async Task<IPlacementClaim?> TryClaimAsync(int worker, CancellationToken cancellationToken)
    {
        var zk = _workers[worker];
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _itemsChanged[worker] = changed;
        var items = (await zk.GetChildrenAsync(_items, _ => changed.TrySetResult(), cancellationToken).ConfigureAwait(false)).Children;
        var claimed = (await zk.GetChildrenAsync(_claims, null, cancellationToken).ConfigureAwait(false)).Children.ToHashSet(StringComparer.Ordinal);

        // Oldest first, as Curator's queue takes them, but each worker from a random place in the line, so that the
        // workers of three sites do not all race for the same first item.
        var candidates = items.Where(i => !claimed.Contains(i)).Order(StringComparer.Ordinal).ToArray();
        var offset = candidates.Length == 0 ? 0 : Random.Shared.Next(candidates.Length);
        for (var i = 0; i < candidates.Length; i++)
        {
            var item = candidates[(i + offset) % candidates.Length];
            ZooKeeperCreateResult claim;
            try
            {
                claim = await zk.CreateAsync($"{_claims}/{item}", ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
                continue; // another worker was first
            }

            try
            {
                var payload = await zk.GetDataAsync($"{_items}/{item}", null, cancellationToken).ConfigureAwait(false);
                return new Claim(this, zk, item, Encoding.UTF8.GetString(payload.Data), claim.Stat.Czxid);
            }
            catch (NoNodeException)
            {
                // Completed meanwhile (our listing was older than our claim): give the claim back.
                await zk.DeleteAsync($"{_claims}/{item}", -1, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    public async Task IdleAsync(int worker, int emptyRounds, CancellationToken cancellationToken)
    {
        if (_itemsChanged[worker] is { } changed)
        {
            await Task.WhenAny(changed.Task, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Done means deleted; read after a sync, so the answer is as of now.</summary>
    public async Task<bool> IsDoneAsync(string item, CancellationToken cancellationToken)
    {
        var path = $"{_items}/{item}";
        await _producers[0].SyncAsync(path, cancellationToken).ConfigureAwait(false);
        return await _producers[0].ExistsAsync(path, null, cancellationToken).ConfigureAwait(false) is null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _producers.Concat(_workers))
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Claim(ZooKeeperQueuePlacement queue, ZooKeeperClient zk, string item, string payload, long fencing) : IPlacementClaim
    {
        public string Item => item;

        public string Payload => payload;

        public long Fencing => fencing;

        /// <summary>Item and claim go in one transaction: fails (nothing done) if the claim went with an expired session.</summary>
        public Task CompleteAsync(CancellationToken cancellationToken) =>
            zk.MultiAsync([ZooKeeperOp.Delete($"{queue._items}/{item}"), ZooKeeperOp.Delete($"{queue._claims}/{item}")], cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
