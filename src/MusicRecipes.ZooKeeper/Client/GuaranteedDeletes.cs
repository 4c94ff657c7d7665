using System.Collections.Concurrent;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Deletes of protected nodes that must happen even if nobody asks again, as Curator's <c>guaranteed()</c> deletes do:
/// typically the nodes of a create whose outcome its caller never learnt (its reply lost, the search for it cut short,
/// the caller cancelling), which may exist in a session that lives on. Each pending delete is tried by
/// <see cref="RetryAsync"/> — on the owner's next call, on a reconnect, and half a second apart in the background — until
/// it is done or <paramref name="stopped"/> says the owner is gone; a node of an ended session went with it.
/// </summary>
internal sealed class GuaranteedDeletes(ProtectedNodes nodes, Func<bool> stopped)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _pending = new(StringComparer.Ordinal);
    private int _running;

    public bool IsEmpty => _pending.IsEmpty;

    /// <summary>Queues the delete of every node named <paramref name="namePrefix"/> + a counter under <paramref name="parents"/>.</summary>
    public void Add(string namePrefix, IReadOnlyList<string> parents) => _pending[namePrefix] = parents;

    /// <summary>Starts <see cref="RetryAsync"/> on the thread pool.</summary>
    public void RetryInBackground() => _ = Task.Run(() => RetryAsync(CancellationToken.None));

    /// <summary>One pass over the pending deletes (none if a pass is already running); what fails is retried later.</summary>
    public async Task RetryAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty || Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }

        try
        {
            foreach (var (namePrefix, parents) in _pending.ToArray())
            {
                await nodes.DeleteAllAsync(parents, namePrefix, cancellationToken).ConfigureAwait(false);
                _pending.TryRemove(namePrefix, out _);
            }
        }
        catch (Exception e) when (e is KeeperException or OperationCanceledException)
        {
            // Tried again on the next call or reconnect, and by the retry below: a pending delete must not wait for a
            // call that may never come.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }

        if (!_pending.IsEmpty && !stopped())
        {
            _ = Task.Delay(RetryDelay).ContinueWith(_ => RetryAsync(CancellationToken.None), TaskScheduler.Default).Unwrap();
        }
    }
}
