using Medallion.Threading;
using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.DistributedLock;

/// <summary>
/// DistributedLock's four acquire forms (try or wait, sync or async) for one kind of MUSIC ticket on one key — the
/// engine behind <see cref="MusicDistributedLock"/>, both sides of <see cref="MusicDistributedReaderWriterLock"/> and
/// <see cref="MusicDistributedSemaphore"/>, which differ only in the ticket's <see cref="TicketMode"/>.
/// </summary>
/// <remarks>
/// A wait whose lock session expires (the lock service dropped its ticket) joins the queue again with a new session and
/// keeps waiting for what is left of its timeout, as a wait on DistributedLock's own providers survives a reconnect.
/// Likewise a wait that cannot reach the lock service for a while (<see cref="MusicUnavailableException"/>,
/// <see cref="MusicTimeoutException"/>: a partition, a restarting server) tries again, backing off up to a second, while
/// its timeout lasts; a try-lock with no time left reports the failure. An infinite wait keeps trying until cancelled.
/// The mutex withdraws the failed attempt's ticket itself, so nothing of it blocks the queue.
/// </remarks>
internal sealed class DistributedHoldAcquirer
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    private readonly MusicMutex _queue;
    private readonly IMusicClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public DistributedHoldAcquirer(IMusicClient client, string name, string key, TicketMode mode, ILogger logger, TimeProvider time)
    {
        _client = client;
        Name = name;
        Key = key;
        Mode = mode;
        _logger = logger;
        _time = time;
        _queue = new MusicMutex(client, [key], logger, mode);
    }

    public string Name { get; }

    public string Key { get; }

    public TicketMode Mode { get; }

    public ValueTask<MusicDistributedLockHandle?> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(DistributedLockTimeout.Validate(timeout), throwOnTimeout: false, cancellationToken);

    public ValueTask<MusicDistributedLockHandle> AcquireAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        AcquireCoreAsync(DistributedLockTimeout.Validate(timeout), cancellationToken);

    public MusicDistributedLockHandle? TryAcquire(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var valid = DistributedLockTimeout.Validate(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => WaitAsync(valid, throwOnTimeout: false, cancellationToken).AsTask(), CancellationToken.None).GetAwaiter().GetResult();
    }

    public MusicDistributedLockHandle Acquire(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var valid = DistributedLockTimeout.Validate(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => AcquireCoreAsync(valid, cancellationToken).AsTask(), CancellationToken.None).GetAwaiter().GetResult();
    }

    // Not async themselves: a bad timeout must throw at the call, as DistributedLock's own providers do.
    public ValueTask<IDistributedSynchronizationHandle?> TryAcquireAsInterfaceAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        AsInterfaceOrNull(TryAcquireAsync(timeout, cancellationToken));

    public ValueTask<IDistributedSynchronizationHandle> AcquireAsInterfaceAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        AsInterface(AcquireAsync(timeout, cancellationToken));

    private async ValueTask<MusicDistributedLockHandle> AcquireCoreAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await WaitAsync(timeout, throwOnTimeout: true, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("Unreachable: an Acquire that times out throws.");

    private async ValueTask<MusicDistributedLockHandle?> WaitAsync(TimeSpan timeout, bool throwOnTimeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = _time.GetTimestamp();
        var unreachable = 0;
        var unreachableBackoff = new Backoff(RetryDelay, MaxRetryDelay, _time);
        for (var attempt = 0; ; attempt++)
        {
            var remaining = Remaining(timeout, started);
            try
            {
                var section = throwOnTimeout
                    ? await _queue.AcquireAsync(remaining, cancellationToken).ConfigureAwait(false)
                    : await _queue.TryAcquireAsync(remaining, cancellationToken).ConfigureAwait(false);
                return section is null ? null : new MusicDistributedLockHandle(Name, Key, section, _client);
            }
            catch (LockLostException ex) when (attempt == 0 || Remaining(timeout, started) != TimeSpan.Zero)
            {
                // The lock service dropped the waiting ticket (its session expired): queue again with a new session
                // (once even for a try-lock, whose one look should not fail for a session that ended just before it).
                _logger.Requeueing(ex, Name);
                await Task.Delay(RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (MusicException ex) when (ex is MusicUnavailableException or MusicTimeoutException && Remaining(timeout, started) != TimeSpan.Zero)
            {
                _logger.RetryingUnreachable(ex, Name, ++unreachable);
                await unreachableBackoff.DelayAsync(cancellationToken).ConfigureAwait(false);
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
