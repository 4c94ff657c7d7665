using Medallion.Threading;
using Microsoft.Extensions.Logging;
using MusicRecipes.Recipes.DistributedLock;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes;

/// <summary>
/// A DistributedLock <see cref="IDistributedLock"/> on MUSIC: the MUSIC lock on one key
/// (<see cref="MusicDistributedSynchronizationProvider.GetKey"/>). Create it with
/// <see cref="MusicDistributedSynchronizationProvider.CreateLock"/>. Instances are thread-safe and cheap; every
/// acquisition is a MUSIC ticket of its own.
/// </summary>
/// <remarks>
/// A wait whose lock session expires (the lock service dropped its ticket) joins the queue again with a new session
/// and keeps waiting for what is left of its timeout, as a wait on DistributedLock's own providers survives a reconnect.
/// A lock service that cannot be reached fails the call with <see cref="MusicUnavailableException"/>.
/// </remarks>
/// <example>
/// <code>
/// var @lock = provider.CreateLock("nightly-report");
/// using (@lock.Acquire(TimeSpan.FromSeconds(30)))
/// {
///     RunReport();
/// }
/// </code>
/// </example>
public sealed class MusicDistributedLock : IDistributedLock
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);
    private readonly MusicMutex _mutex;
    private readonly IMusicClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    internal MusicDistributedLock(IMusicClient client, string name, ILogger logger, TimeProvider time)
    {
        _time = time;
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Key = DistributedLockKeys.ForName(name);
        _client = client;
        _logger = logger;
        _mutex = new MusicMutex(client, [Key], logger);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The MUSIC key this lock locks, which also holds its value (<see cref="MusicDistributedLockHandle.GetAsync"/>).</summary>
    public string Key { get; }

    /// <summary>
    /// Tries to acquire the lock, waiting at most <paramref name="timeout"/> (default: no wait, one look at the queue).
    /// Returns <c>null</c> when not acquired; nothing is left queued.
    /// </summary>
    /// <example>
    /// <code>
    /// await using var handle = await @lock.TryAcquireAsync(cancellationToken: ct);
    /// if (handle is null) { return; }
    /// </code>
    /// </example>
    public ValueTask<MusicDistributedLockHandle?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        TryAcquireCoreAsync(DistributedLockTimeout.Validate(timeout), cancellationToken);

    /// <summary>Acquires the lock, waiting at most <paramref name="timeout"/> (default: forever).</summary>
    /// <exception cref="LockTimeoutException">Not acquired in time (a <see cref="TimeoutException"/>); it names the holder.</exception>
    /// <example>
    /// <code>
    /// await using (var handle = await @lock.AcquireAsync(TimeSpan.FromSeconds(10), ct))
    /// {
    ///     var stock = BitConverter.ToInt32(await handle.GetAsync(ct) ?? new byte[4]);
    ///     await handle.PutAsync(BitConverter.GetBytes(stock - 1), ct);
    /// }
    /// </code>
    /// </example>
    public ValueTask<MusicDistributedLockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        AcquireCoreAsync(DistributedLockTimeout.Validate(timeout), cancellationToken);

    /// <summary>The synchronous form of <see cref="TryAcquireAsync"/> (it blocks the calling thread).</summary>
    public MusicDistributedLockHandle? TryAcquire(TimeSpan timeout = default, CancellationToken cancellationToken = default)
    {
        var valid = DistributedLockTimeout.Validate(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => TryAcquireCoreAsync(valid, cancellationToken).AsTask(), CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>The synchronous form of <see cref="AcquireAsync"/> (it blocks the calling thread).</summary>
    /// <exception cref="LockTimeoutException">Not acquired in time.</exception>
    public MusicDistributedLockHandle Acquire(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var valid = DistributedLockTimeout.Validate(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => AcquireCoreAsync(valid, cancellationToken).AsTask(), CancellationToken.None).GetAwaiter().GetResult();
    }

    IDistributedSynchronizationHandle? IDistributedLock.TryAcquire(TimeSpan timeout, CancellationToken cancellationToken) =>
        TryAcquire(timeout, cancellationToken);

    IDistributedSynchronizationHandle IDistributedLock.Acquire(TimeSpan? timeout, CancellationToken cancellationToken) =>
        Acquire(timeout, cancellationToken);

    // Not async themselves: a bad timeout must throw at the call, as DistributedLock's own providers do.
    ValueTask<IDistributedSynchronizationHandle?> IDistributedLock.TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        AsInterfaceOrNull(TryAcquireAsync(timeout, cancellationToken));

    ValueTask<IDistributedSynchronizationHandle> IDistributedLock.AcquireAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        AsInterface(AcquireAsync(timeout, cancellationToken));

    /// <inheritdoc />
    public override string ToString() => $"MusicDistributedLock({Name} -> {Key})";

    private async ValueTask<MusicDistributedLockHandle> AcquireCoreAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await WaitAsync(timeout, throwOnTimeout: true, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("Unreachable: an Acquire that times out throws.");

    private ValueTask<MusicDistributedLockHandle?> TryAcquireCoreAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(timeout, throwOnTimeout: false, cancellationToken);

    private async ValueTask<MusicDistributedLockHandle?> WaitAsync(TimeSpan timeout, bool throwOnTimeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = _time.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            var remaining = Remaining(timeout, started);
            try
            {
                var section = throwOnTimeout
                    ? await _mutex.AcquireAsync(remaining, cancellationToken).ConfigureAwait(false)
                    : await _mutex.TryAcquireAsync(remaining, cancellationToken).ConfigureAwait(false);
                return section is null ? null : new MusicDistributedLockHandle(this, section, _client);
            }
            catch (LockLostException ex) when (attempt == 0 || Remaining(timeout, started) != TimeSpan.Zero)
            {
                // The lock service dropped the waiting ticket (its session expired): queue again with a new session
                // (once even for a try-lock, whose one look should not fail for a session that ended just before it).
                _logger.Requeueing(ex, Name);
                await Task.Delay(RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async ValueTask<IDistributedSynchronizationHandle?> AsInterfaceOrNull(ValueTask<MusicDistributedLockHandle?> handle) =>
        await handle.ConfigureAwait(false);

    private static async ValueTask<IDistributedSynchronizationHandle> AsInterface(ValueTask<MusicDistributedLockHandle> handle) =>
        await handle.ConfigureAwait(false);

    private TimeSpan Remaining(TimeSpan timeout, long started)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return timeout;
        }

        var left = timeout - _time.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
