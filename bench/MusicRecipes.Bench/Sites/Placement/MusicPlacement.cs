using System.Globalization;
using MusicRecipes.Recipes.Queue;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Bench;

/// <summary>
/// MUSIC's placement service: the recipes' <see cref="MusicWorkQueue"/>. A submission is two eventual puts at the
/// producer's own site, sent together (payload, high-water mark); a claim is a critical section on the item's state key (lock,
/// critical read, critical put "claimed"), and completing it a critical put "done" and the release. Workers poll with
/// the recipe's backoff (20 ms doubling to 1 s): MUSIC has no watch on data.
/// </summary>
internal sealed class MusicPlacement : IPlacementVariant
{
    private readonly MusicClient[] _producerClients;
    private readonly MusicWorkQueue[] _producers;
    private readonly MusicClient[] _workerClients;
    private readonly ZooKeeperLockStore[] _workerLocks;
    private readonly MusicWorkQueue[] _workers;
    private readonly LockAttemptCounter _lockAttempts = new();

    public MusicPlacement(BenchNetwork network, string run, int workers)
    {
        var queue = "placement-" + run;
        var lockRoot = "/bench/placement/" + run;
        _producerClients = network.Sites.Select(site => MusicVariant.CreateClient(network, site, lockRoot)).ToArray();
        _producers = _producerClients.Select((client, site) => new MusicWorkQueue(client, queue, new MusicWorkQueueOptions { ProducerId = "site" + Text(site) })).ToArray();
        _workerLocks = new ZooKeeperLockStore[workers];
        _workerClients = Enumerable.Range(0, workers).Select(w => MusicVariant.CreateClient(network, network.SiteOf(w), lockRoot, out _workerLocks[w])).ToArray();
        _workers = _workerClients.Select((client, w) => new MusicWorkQueue(client, queue, new MusicWorkQueueOptions { WorkerId = "w" + Text(w) })).ToArray();
    }

    public string Name => "MUSIC";

    /// <summary>A producer's first submission registers it (a critical section); that happens here, unmeasured.</summary>
    public Task PrepareAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_producers.Select(p => p.SubmitStringAsync("registration of " + p.ProducerId, cancellationToken)));

    public async Task<string> SubmitAsync(int site, string payload, CancellationToken cancellationToken) =>
        (await _producers[site].SubmitStringAsync(payload, cancellationToken).ConfigureAwait(false)).ToString();

    public async Task<IPlacementClaim?> TryClaimAsync(int worker, CancellationToken cancellationToken) =>
        await _workers[worker].TryClaimNextAsync(cancellationToken).ConfigureAwait(false) is { } claim ? new Claim(claim) : null;

    public Task IdleAsync(int worker, int emptyRounds, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 20 << Math.Min(emptyRounds - 1, 6))), cancellationToken);

    /// <summary>The recipe's own status read: a critical section on the item's state key.</summary>
    public async Task<bool> IsDoneAsync(string item, CancellationToken cancellationToken)
    {
        var id = WorkItemId.Parse(item);
        try
        {
            return (await _producers[0].GetStatusAsync(id, cancellationToken).ConfigureAwait(false)).State == WorkItemState.Done;
        }
        catch (LockTimeoutException ex)
        {
            // Name the worker whose session holds the item (the workers have stopped: a hold nobody released).
            var sessions = string.Join(", ", _workerLocks.Select((locks, w) => $"w{Text(w)}={ZooKeeperLockStore.FormatSessionId(locks.Client.SessionId)}"));
            throw new LockTimeoutException($"{ex.Message} Worker sessions now: {sessions}.", ex.Keys, ex.Timeout, ex.Holder);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Console.WriteLine($"    {Name}: item lock attempts over the run: {_lockAttempts.Of("claimed")} claimed, {_lockAttempts.Of("busy")} busy (held by another worker), {_lockAttempts.Of("settled")} settled (found done or declined under the lock)");
        _lockAttempts.Dispose();
        foreach (var client in _producerClients.Concat(_workerClients))
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    private sealed class Claim(WorkItemClaim claim) : IPlacementClaim
    {
        public string Item => claim.Item.Id.ToString();

        public string Payload => claim.Item.PayloadAsString();

        public long Fencing => claim.FencingToken.Value;

        public Task CompleteAsync(CancellationToken cancellationToken) => claim.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => claim.DisposeAsync();
    }
}
