using System.Collections.Concurrent;
using MusicRecipes.Storage;

namespace MusicRecipes.InMemory;

/// <summary>
/// Coordinates reads and writes over the site replicas as a Cassandra coordinator would: ONE touches the local
/// replica only and replicates in the background; QUORUM waits for a majority of all replicas; a replica that is
/// out of reach gets a hint, replayed when it is reachable again. Injected faults make writes partial.
/// </summary>
internal sealed class ReplicationCoordinator(Replica[] replicas, SiteNetwork network, InMemoryClusterOptions options)
{
    private readonly ConcurrentQueue<Hint> _hints = new();
    private readonly int[] _partialWrites = new int[replicas.Length];
    private readonly CancellationTokenSource _shutdown = new();
    private int _pendingDeliveries;

    private int Majority => (replicas.Length / 2) + 1;

    public bool IsIdle => Volatile.Read(ref _pendingDeliveries) == 0 && _hints.IsEmpty;

    public async Task<StoredValue?> ReadAsync(int site, string key, DataConsistency consistency, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (consistency == DataConsistency.One)
        {
            return replicas[site].Read(key);
        }

        var chosen = ChooseQuorum(site, $"read {key}");
        await network.RoundTripAsync(cancellationToken).ConfigureAwait(false);
        return Replica.Newest(chosen.Select(r => replicas[r].Read(key)));
    }

    public async Task WriteAsync(int site, string key, StoredValue write, DataConsistency consistency, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (consistency == DataConsistency.One)
        {
            await WriteOneAsync(site, key, write, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (TakePartialWrite(site) is { } reach)
        {
            await WritePartiallyAsync(site, key, write, reach, cancellationToken).ConfigureAwait(false);
            return;
        }

        ChooseQuorum(site, $"write {key}");
        network.CountRoundTrip(); // the fan-out below pays the latency; it is one round trip on the caller's path
        var acknowledged = 0;
        var quorum = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var target = 0; target < replicas.Length; target++)
        {
            if (!network.CanReach(site, target))
            {
                _hints.Enqueue(new Hint(site, target, key, write));
                continue;
            }

            _ = DeliverTrackedAsync(site, target, key, write).ContinueWith(
                delivered =>
                {
                    if (delivered.Result && Interlocked.Increment(ref acknowledged) == Majority)
                    {
                        quorum.TrySetResult();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        try
        {
            await quorum.Task.WaitAsync(options.ReplicaTimeout, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new MusicTimeoutException($"Write of '{key}' at QUORUM: {Volatile.Read(ref acknowledged)} of {Majority} replicas acknowledged within {options.ReplicaTimeout}; it may have reached some replicas.", ex);
        }
    }

    /// <summary>Arms a fault: the next QUORUM write coordinated at <paramref name="site"/> lands on <paramref name="reach"/> replicas, then fails.</summary>
    public void ArmPartialWrite(int site, int reach)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reach, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(reach, Majority, nameof(reach));
        Volatile.Write(ref _partialWrites[site], reach + 1);
    }

    public void ReplayHints()
    {
        var count = _hints.Count;
        for (var i = 0; i < count && _hints.TryDequeue(out var hint); i++)
        {
            if (network.CanReach(hint.From, hint.To))
            {
                _ = DeliverTrackedAsync(hint.From, hint.To, hint.Key, hint.Write);
            }
            else
            {
                _hints.Enqueue(hint);
            }
        }
    }

    public void Shutdown() => _shutdown.Cancel();

    private async Task WriteOneAsync(int site, string key, StoredValue write, CancellationToken cancellationToken)
    {
        for (var target = 0; target < replicas.Length; target++)
        {
            if (target == site)
            {
                continue;
            }

            if (network.CanReach(site, target))
            {
                _ = DeliverTrackedAsync(site, target, key, write);
            }
            else
            {
                _hints.Enqueue(new Hint(site, target, key, write));
            }
        }

        var local = DeliverTrackedAsync(site, site, key, write);
        try
        {
            if (!await local.WaitAsync(options.ReplicaTimeout, options.TimeProvider, cancellationToken).ConfigureAwait(false))
            {
                throw new MusicTimeoutException($"Write of '{key}' at ONE: the local replica did not acknowledge.");
            }
        }
        catch (TimeoutException ex)
        {
            throw new MusicTimeoutException($"Write of '{key}' at ONE: the local replica did not acknowledge within {options.ReplicaTimeout}.", ex);
        }
    }

    private async Task WritePartiallyAsync(int site, string key, StoredValue write, int reach, CancellationToken cancellationToken)
    {
        // The coordinator dies mid-write: the write lands on `reach` replicas (the local one first), no hints are
        // kept, and the client sees a timeout — the outcome a real client cannot tell apart from a slow write.
        var landed = 0;
        for (var target = 0; target < replicas.Length && landed < reach; target++)
        {
            var candidate = (site + target) % replicas.Length;
            if (network.CanReach(site, candidate))
            {
                replicas[candidate].Apply(key, write);
                landed++;
            }
        }

        await network.RoundTripAsync(cancellationToken).ConfigureAwait(false);
        throw new MusicTimeoutException($"Write of '{key}' at QUORUM timed out after reaching {landed} replica(s) (injected partial write).");
    }

    private int? TakePartialWrite(int site)
    {
        var armed = Interlocked.Exchange(ref _partialWrites[site], 0);
        return armed == 0 ? null : armed - 1;
    }

    private List<int> ChooseQuorum(int site, string what)
    {
        var reachable = Enumerable.Range(0, replicas.Length).Where(r => network.CanReach(site, r)).ToList();
        if (reachable.Count < Majority)
        {
            throw new MusicUnavailableException($"Cannot {what} at QUORUM from site {site}: {reachable.Count} of {replicas.Length} replicas reachable, {Majority} required.");
        }

        // The local replica first, then a random choice of the others: which minority a read misses varies, as it
        // does in a real cluster, so a partial write is sometimes seen and sometimes not.
        var others = reachable.Where(r => r != site).OrderBy(_ => Random.Shared.Next()).ToList();
        var chosen = reachable.Contains(site) ? new List<int> { site } : new List<int>();
        chosen.AddRange(others.Take(Majority - chosen.Count));
        return chosen;
    }

    private async Task<bool> DeliverTrackedAsync(int from, int to, string key, StoredValue write)
    {
        Interlocked.Increment(ref _pendingDeliveries);
        try
        {
            return await DeliverAsync(from, to, key, write).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _pendingDeliveries);
        }
    }

    private async Task<bool> DeliverAsync(int from, int to, string key, StoredValue write)
    {
        await network.OneWayAsync(from, to, _shutdown.Token).ConfigureAwait(false);
        if (!network.CanReach(from, to))
        {
            _hints.Enqueue(new Hint(from, to, key, write));
            return false;
        }

        var replica = replicas[to];
        if (replica.DropWrites)
        {
            return false;
        }

        if (replica.WriteDelay is { Ticks: > 0 } delay)
        {
            await Task.Delay(delay, options.TimeProvider, _shutdown.Token).ConfigureAwait(false);
        }

        replica.Apply(key, write);
        await network.OneWayAsync(to, from, _shutdown.Token).ConfigureAwait(false);
        return true;
    }

    private sealed record Hint(int From, int To, string Key, StoredValue Write);
}
