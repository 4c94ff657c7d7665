using Medallion.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicRecipes.Recipes.DistributedLock;

namespace MusicRecipes;

/// <summary>
/// DistributedLock's <see cref="IDistributedLockProvider"/> on MUSIC: code written against DistributedLock.Core
/// (<c>Medallion.Threading</c>) runs on MUSIC's multi-site locks unchanged. A lock named <c>n</c> is the MUSIC lock on the
/// key <see cref="GetKey"/>(<c>n</c>) — <c>music/lock/n</c> for ordinary names; any string is a valid name.
/// </summary>
/// <remarks>
/// <para>The locks behave as DistributedLock's own: <c>TryAcquire*</c> returns <c>null</c> when the lock is not acquired
/// within the timeout (default 0: one look), <c>Acquire*</c> waits (default forever) and throws a
/// <see cref="TimeoutException"/> (a <see cref="LockTimeoutException"/> naming the holder); both have sync and async forms;
/// locks are not reentrant and not thread-affine; disposing the handle releases, and disposing it again does nothing.</para>
/// <para>What MUSIC adds: <see cref="MusicDistributedLockHandle.HandleLostToken"/> fires when the hold is lost, no later
/// than the moment any other client can acquire (rule 6 of docs/design.md); the handle carries a
/// <see cref="MusicDistributedLockHandle.FencingToken"/> that strictly increases from holder to holder; and the lock
/// protects a value, stored under the lock's own key, that the holder reads and writes with MUSIC's critical operations
/// (<see cref="MusicDistributedLockHandle.GetAsync"/>, <see cref="MusicDistributedLockHandle.PutAsync"/>): it always reads
/// the latest value, and no earlier holder's write can overtake its own.</para>
/// <para>Reader-writer locks (<see cref="CreateReaderWriterLock"/>, keys under <c>music/rwlock/</c>) and semaphores
/// (<see cref="CreateSemaphore"/>, keys under <c>music/semaphore/</c>) are MUSIC primitives too: shared and permit tickets
/// in the same FIFO queues (docs/recipes/reader-writer-and-semaphore.md). Upgradeable reader-writer locks are not
/// provided.</para>
/// </remarks>
/// <example>
/// <code>
/// IDistributedLockProvider locks = new MusicDistributedSynchronizationProvider(client);
/// await using (var handle = await locks.TryAcquireLockAsync($"invoice:{id}", TimeSpan.FromSeconds(5), ct))
/// {
///     if (handle is null) { return; } // someone else is on it
///     await SendInvoiceAsync(id, handle.HandleLostToken);
/// }
/// </code>
/// </example>
public sealed class MusicDistributedSynchronizationProvider : IDistributedLockProvider, IDistributedReaderWriterLockProvider, IDistributedSemaphoreProvider
{
    /// <summary>The prefix of every key a lock of this provider uses.</summary>
    public const string KeyPrefix = DistributedLockKeys.Prefix;

    private readonly IMusicClient _client;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;

    /// <summary>Creates a provider whose locks acquire with <paramref name="client"/> (and its lock session).</summary>
    /// <param name="client">The MUSIC client the locks acquire with.</param>
    /// <param name="loggerFactory">Where the locks log; none by default.</param>
    /// <param name="timeProvider">The clock of the waits' timeouts; <see cref="TimeProvider.System"/> by default (a host passes the container's).</param>
    public MusicDistributedSynchronizationProvider(IMusicClient client, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The MUSIC key of the lock named <paramref name="name"/> (for diagnostics, or to read its value eventually).</summary>
    /// <example>
    /// <code>
    /// var key = MusicDistributedSynchronizationProvider.GetKey("stock:apples"); // "music/lock/stock:apples"
    /// </code>
    /// </example>
    public static string GetKey(string name) => DistributedLockKeys.ForName(name);

    /// <summary>Creates the lock named <paramref name="name"/> (any string; names are case-sensitive).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public MusicDistributedLock CreateLock(string name) =>
        new(_client, name, _loggerFactory.CreateLogger<MusicDistributedLock>(), _time);

    IDistributedLock IDistributedLockProvider.CreateLock(string name) => CreateLock(name);

    /// <summary>Creates the reader-writer lock named <paramref name="name"/> (any string; its own resource, apart from the lock of that name).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <example>
    /// <code>
    /// await using var read = await provider.CreateReaderWriterLock("price-list").AcquireReadLockAsync(cancellationToken: ct);
    /// </code>
    /// </example>
    public MusicDistributedReaderWriterLock CreateReaderWriterLock(string name) =>
        new(_client, name, _loggerFactory.CreateLogger<MusicDistributedReaderWriterLock>(), _time);

    IDistributedReaderWriterLock IDistributedReaderWriterLockProvider.CreateReaderWriterLock(string name) => CreateReaderWriterLock(name);

    /// <summary>Creates the semaphore named <paramref name="name"/> with <paramref name="maxCount"/> permits.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is below 1 or above 1000.</exception>
    /// <example>
    /// <code>
    /// await using var slot = await provider.CreateSemaphore("render-slots", 4).AcquireAsync(cancellationToken: ct);
    /// </code>
    /// </example>
    public MusicDistributedSemaphore CreateSemaphore(string name, int maxCount) =>
        new(_client, name, maxCount, _loggerFactory.CreateLogger<MusicDistributedSemaphore>(), _time);

    IDistributedSemaphore IDistributedSemaphoreProvider.CreateSemaphore(string name, int maxCount) => CreateSemaphore(name, maxCount);
}
