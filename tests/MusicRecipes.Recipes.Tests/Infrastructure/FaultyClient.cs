using MusicRecipes.Testing;

namespace MusicRecipes.Recipes.Tests.Infrastructure;

/// <summary>
/// A client whose eventual operations can be made to fail on purpose, on any backend: the faults a recipe must
/// survive that the backends cannot inject per operation. Everything else goes to the real client unchanged.
/// </summary>
/// <remarks>
/// <see cref="LoseAckOfNextPut"/> is an ambiguous write: the put really lands, then the caller is told it timed out
/// (what a Cassandra coordinator reports when the acknowledgement, not the write, is lost). <see cref="FailLocalReads"/>
/// makes eventual reads throw, as a local replica that is down or overloaded would.
/// </remarks>
public sealed class FaultyClient(IMusicClient inner) : DelegatingMusicClient(inner)
{
    private Func<string, bool>? _loseAckOf;
    private HeldPut? _held;
    private HeldCriticalPut? _heldCritical;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _criticalPuts = new(StringComparer.Ordinal);
    private int _failingReads;
    private int _failedReads;
    private EventHandler<LockSessionStateChangedEventArgs>? _injectedStates;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lockedKeys = new();

    /// <summary>How many eventual reads failed on purpose so far.</summary>
    public int FailedReads => Volatile.Read(ref _failedReads);

    public override event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged
    {
        add
        {
            Inner.SessionStateChanged += value;
            _injectedStates += value;
        }

        remove
        {
            Inner.SessionStateChanged -= value;
            _injectedStates -= value;
        }
    }

    /// <summary>
    /// Reports a session state change that <see cref="DelegatingMusicClient.SessionState"/> never shows: a blip (say, Suspended and back) that
    /// was over before anyone could look.
    /// </summary>
    public void InjectSessionStateChange(LockSessionState previous, LockSessionState state) =>
        _injectedStates?.Invoke(this, new LockSessionStateChangedEventArgs(previous, state));

    /// <summary>The next eventual put of a key matching <paramref name="key"/> lands, then throws <see cref="MusicTimeoutException"/>.</summary>
    public void LoseAckOfNextPut(Func<string, bool> key) => Volatile.Write(ref _loseAckOf, key);

    /// <summary>The next <paramref name="count"/> eventual reads throw <see cref="MusicUnavailableException"/>.</summary>
    public void FailLocalReads(int count) => Volatile.Write(ref _failingReads, count);

    public override async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Decrement(ref _failingReads) >= 0)
        {
            Interlocked.Increment(ref _failedReads);
            throw new MusicUnavailableException($"Injected: the local replica did not answer a read of '{key}'.");
        }

        Interlocked.Exchange(ref _failingReads, 0);
        return await Inner.GetAsync(key, cancellationToken);
    }

    /// <summary>
    /// The next eventual put of a key matching <paramref name="key"/> is sent only once a put of a key matching
    /// <paramref name="until"/> has begun; after <paramref name="patience"/> it throws <see cref="MusicTimeoutException"/>
    /// instead (the two were never in flight together).
    /// </summary>
    public void HoldNextPutUntilAnotherBegins(Func<string, bool> key, Func<string, bool> until, TimeSpan patience) =>
        Volatile.Write(ref _held, new HeldPut(key, until, patience, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));

    public override async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _held) is { } held)
        {
            if (held.Until(key))
            {
                held.Begun.TrySetResult();
            }
            else if (held.Key(key) && held.Take())
            {
                try
                {
                    await held.Begun.Task.WaitAsync(held.Patience, cancellationToken);
                }
                catch (TimeoutException)
                {
                    throw new MusicTimeoutException($"Injected: the put of '{key}' waited {held.Patience.TotalSeconds:F0} s for another put that never began.");
                }
                finally
                {
                    Interlocked.CompareExchange(ref _held, null, held);
                }
            }
        }

        await Inner.PutAsync(key, value, cancellationToken);
        if (Volatile.Read(ref _loseAckOf) is { } matches && matches(key) && Interlocked.CompareExchange(ref _loseAckOf, null, matches) == matches)
        {
            throw new MusicTimeoutException($"Injected: the write of '{key}' landed but its acknowledgement was lost.");
        }
    }

    /// <summary>
    /// The next critical put of a key matching <paramref name="key"/> is made at once, but its acknowledgement reaches
    /// the caller only when the returned source is completed (a quorum write whose reply is slow).
    /// </summary>
    public TaskCompletionSource HoldAckOfNextCriticalPut(Func<string, bool> key)
    {
        var gate = new HeldCriticalPut(key, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref _heldCritical, gate);
        return gate.Release;
    }

    /// <summary>How many critical puts of <paramref name="key"/> were sent so far.</summary>
    public int CriticalPutsOf(string key) => _criticalPuts.TryGetValue(key, out var count) ? count : 0;

    public override async Task CriticalPutAsync(LockRef lockRef, string key, byte[] value, CancellationToken cancellationToken = default)
    {
        _criticalPuts.AddOrUpdate(key, 1, (_, n) => n + 1);
        var held = Volatile.Read(ref _heldCritical) is { } gate && gate.Key(key) && Interlocked.CompareExchange(ref _heldCritical, null, gate) == gate ? gate : null;
        await Inner.CriticalPutAsync(lockRef, key, value, cancellationToken);
        if (held is not null)
        {
            await held.Release.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The keys of every ticket this client created, in order (to see which items a worker tried to lock).</summary>
    public IReadOnlyCollection<string> LockedKeys => _lockedKeys;

    public override Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) =>
        CreateLockRefAsync(keys, MusicRecipes.Locking.TicketMode.Exclusive, cancellationToken);

    public override Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, MusicRecipes.Locking.TicketMode mode, CancellationToken cancellationToken = default)
    {
        var list = keys.ToList();
        foreach (var key in list)
        {
            _lockedKeys.Enqueue(key);
        }

        return Inner.CreateLockRefAsync(list, mode, cancellationToken);
    }

    /// <summary>The wrapped client is disposed by whoever created it (the test base disposes every client it made).</summary>
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed record HeldCriticalPut(Func<string, bool> Key, TaskCompletionSource Release);

    private sealed record HeldPut(Func<string, bool> Key, Func<string, bool> Until, TimeSpan Patience, TaskCompletionSource Begun)
    {
        private int _taken;

        /// <summary>True for the first put that matches <see cref="Key"/> only.</summary>
        public bool Take() => Interlocked.Exchange(ref _taken, 1) == 0;
    }
}
