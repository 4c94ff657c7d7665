using MusicRecipes.Locking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Recipes.Internal;

namespace MusicRecipes.Recipes.Locks;

/// <summary>
/// A distributed mutex over a set of keys of shared state: while a <see cref="MusicCriticalSection"/> is held, its
/// <c>GetAsync</c>/<c>PutAsync</c> are MUSIC critical operations on those keys, so the holder reads the latest value
/// and no earlier holder's write can overtake its own (entry consistency, docs/design.md §2).
/// </summary>
/// <remarks>
/// <para>Algorithm: every acquisition is one MUSIC ticket over the key set (a ticket is good for one critical
/// section), enqueued atomically in every key's FIFO queue (rule 4) and waited for event-driven (rule 5). On a
/// timeout or cancellation the ticket is withdrawn, so an abandoned wait never blocks the queue.</para>
/// <para>The mutex is <b>not reentrant</b>: a second acquisition by the same holder queues a second ticket behind
/// the first and waits until the first is released (or its timeout). It is <b>not thread-affine</b>: the section
/// may be used and released from any task. Instances are thread-safe and may be shared.</para>
/// <example>
/// <code>
/// var mutex = new MusicMutex(client, new[] { "account:7" });
/// await using (var section = await mutex.AcquireAsync(TimeSpan.FromSeconds(10), ct))
/// {
///     var balance = await section.GetJsonAsync&lt;decimal&gt;("account:7", cancellationToken: ct);
///     await section.PutJsonAsync("account:7", balance + 10m, cancellationToken: ct);
///     await ledger.AppendAsync(entry, fence: section.FencingToken.Value, section.LostToken);
/// }
/// </code>
/// </example>
/// </remarks>
public sealed class MusicMutex
{
    private readonly IMusicClient _client;
    private readonly ILogger _logger;
    private readonly TicketMode _mode;

    /// <summary>Creates a mutex over <paramref name="keys"/> (at least one) for a client.</summary>
    /// <exception cref="ArgumentException">The key set is empty.</exception>
    public MusicMutex(IMusicClient client, IEnumerable<string> keys, ILogger<MusicMutex>? logger = null)
        : this(client, keys, (ILogger?)logger)
    {
    }

    /// <summary>For recipes built on a mutex, which log under their own category.</summary>
    internal MusicMutex(IMusicClient client, IEnumerable<string> keys, ILogger? logger)
        : this(client, keys, logger, TicketMode.Exclusive)
    {
    }

    /// <summary>For the reader-writer lock and the semaphore: tickets of another <paramref name="mode"/> on the same path.</summary>
    internal MusicMutex(IMusicClient client, IEnumerable<string> keys, ILogger? logger, TicketMode mode)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(keys);
        var set = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (set.Length == 0)
        {
            throw new ArgumentException("A mutex needs at least one key.", nameof(keys));
        }

        _client = client;
        Keys = set;
        _logger = logger ?? NullLogger.Instance;
        _mode = mode;
    }

    /// <summary>The protected keys, distinct and in ordinal order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The client the mutex acquires with.</summary>
    public IMusicClient Client => _client;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (or <see cref="Timeout.InfiniteTimeSpan"/>) for the keys and returns
    /// the held section. Dispose the section to release.
    /// </summary>
    /// <exception cref="LockTimeoutException">Not acquired in time; the ticket was withdrawn from the queue. The exception names the holder.</exception>
    /// <exception cref="LockLostException">The lock session expired while waiting.</exception>
    /// <example>
    /// <code>
    /// await using var section = await mutex.AcquireAsync(TimeSpan.FromSeconds(5), ct);
    /// </code>
    /// </example>
    public async Task<MusicCriticalSection> AcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        await AcquireCoreAsync(timeout, throwOnTimeout: true, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("Unreachable: AcquireCoreAsync throws on timeout.");

    /// <summary>
    /// Tries to acquire the keys, waiting at most <paramref name="timeout"/> (default: no wait, only when the keys
    /// are free right now). Returns <c>null</c> when not acquired; the ticket was withdrawn.
    /// </summary>
    /// <example>
    /// <code>
    /// await using var section = await mutex.TryAcquireAsync(cancellationToken: ct);
    /// if (section is null) { return; } // somebody else is working on it
    /// </code>
    /// </example>
    public Task<MusicCriticalSection?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        AcquireCoreAsync(timeout, throwOnTimeout: false, cancellationToken);

    private async Task<MusicCriticalSection?> AcquireCoreAsync(TimeSpan timeout, bool throwOnTimeout, CancellationToken cancellationToken)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be non-negative or infinite.");
        }

        using var activity = RecipeTelemetry.Start("music.recipe.mutex.acquire", "mutex", _client);
        activity?.SetTag(MusicDiagnostics.KeysTag, string.Join(",", Keys));
        activity?.SetTag(MusicDiagnostics.ModeTag, _mode.ToString());
        var lockRef = await _client.CreateLockRefAsync(Keys, _mode, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(MusicDiagnostics.TicketTag, lockRef.ToString());
        activity?.SetTag(MusicDiagnostics.OrdinalTag, lockRef.FencingToken.Value);
        try
        {
            LockTimeoutException? timedOut = null;
            if (timeout == TimeSpan.Zero && !throwOnTimeout)
            {
                // One strong head check; a try-lock that fails needs no word on who holds the keys.
                if (!await _client.AcquireLockAsync(lockRef, cancellationToken).ConfigureAwait(false))
                {
                    timedOut = new LockTimeoutException("Not acquired without waiting.", Keys, timeout, holder: null);
                }
            }
            else
            {
                try
                {
                    // A zero timeout still gets one look at the queue, and its timeout names the holder.
                    await _client.WaitForLockAsync(lockRef, timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (LockTimeoutException ex)
                {
                    timedOut = ex;
                }
            }

            if (timedOut is not null)
            {
                activity?.SetTag(RecipeTelemetry.OutcomeTag, "timeout");
                await WithdrawAsync(lockRef, throwOnTimeout ? timedOut : null).ConfigureAwait(false);
                return null;
            }
        }
        catch (Exception ex) when (ex is not LockTimeoutException)
        {
            RecipeTelemetry.Fail(activity, ex);

            // Cancelled, lost or failed while waiting: never leave the ticket behind to block the queue.
            await WithdrawQuietlyAsync(lockRef).ConfigureAwait(false);
            throw;
        }

        activity?.SetTag(RecipeTelemetry.OutcomeTag, "acquired");
        _logger.Acquired(string.Join(",", Keys), lockRef);
        return new MusicCriticalSection(_client, lockRef, _logger);
    }

    /// <summary>Withdraws a ticket that did not acquire; for <see cref="AcquireAsync"/> throws the timeout afterwards.</summary>
    private async Task WithdrawAsync(LockRef lockRef, LockTimeoutException? timeoutToReport)
    {
        Exception? withdrawFailure = null;
        try
        {
            await _client.ReleaseLockAsync(lockRef, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is OperationCanceledException)
        {
            // The ticket may still be queued; the client keeps removing it in the background (guaranteed release).
            withdrawFailure = ex;
            _logger.WithdrawAfterTimeoutFailed(ex, lockRef);
        }

        if (timeoutToReport is { } timedOut)
        {
            var holder = LockTimeoutException.Describe(timedOut.Holder);
            throw new LockTimeoutException(
                withdrawFailure is null
                    ? $"The mutex over {string.Join(",", Keys)} was not acquired within {timedOut.Timeout}, {holder}; the ticket was withdrawn."
                    : $"The mutex over {string.Join(",", Keys)} was not acquired within {timedOut.Timeout}, {holder}; withdrawing the ticket failed, and it is retried in the background.",
                Keys, timedOut.Timeout, timedOut.Holder, withdrawFailure);
        }

        if (withdrawFailure is not null)
        {
            throw withdrawFailure;
        }
    }

    private async Task WithdrawQuietlyAsync(LockRef lockRef)
    {
        try
        {
            await _client.ReleaseLockAsync(lockRef, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is OperationCanceledException)
        {
            _logger.WithdrawFailed(ex, lockRef);
        }
        catch (ObjectDisposedException ex)
        {
            _logger.ClientClosed(ex, lockRef);
        }
    }
}
