using System.Collections.Concurrent;
using MusicRecipes.Locking;

namespace MusicRecipes.Testing.Faults;

/// <summary>
/// A lock store that stops its client at a chosen step of the lock path — after a successful head check (before the
/// acquisition is recorded) or at the start of a release — while the rest of the system goes on: other clients
/// force-release it, its session expires, a successor acquires. This is how a test reproduces the interleavings of
/// a holder in a long pause deterministically, on any backend: wrap the client's real store and arm a pause.
/// </summary>
/// <example>
/// <code>
/// var paused = new PausableLockStore(realStore);
/// await using var x = new MusicClient(dataStore, paused);
/// var pause = paused.Arm(LockPathStep.AfterHeadCheck);
/// var acquiring = x.AcquireLockAsync(lockRef);
/// await pause.Reached;            // x saw itself at the head and stopped
/// await y.ForceReleaseAsync(key); // meanwhile another client removes x and takes the lock
/// pause.Resume();
/// await Assert.ThrowsAsync&lt;LockLostException&gt;(() => acquiring);
/// </code>
/// </example>
public sealed class PausableLockStore(ILockStore inner) : ILockStore, ILockSessionEvents
{
    private readonly ConcurrentDictionary<LockPathStep, LockPathPause> _armed = new();

    /// <summary>The wrapped store (to inspect what the lock service holds while the client is stopped).</summary>
    public ILockStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public LockSessionState SessionState => Inner.SessionState;

    /// <inheritdoc />
    public DateTimeOffset UtcNow => Inner.UtcNow;

    /// <summary>The wrapped store's session events (none when it raises none).</summary>
    public event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged
    {
        add
        {
            if (Inner is ILockSessionEvents events)
            {
                events.SessionStateChanged += value;
            }
        }

        remove
        {
            if (Inner is ILockSessionEvents events)
            {
                events.SessionStateChanged -= value;
            }
        }
    }

    /// <summary>Arms a one-shot pause: the next call that reaches <paramref name="step"/> stops there until resumed.</summary>
    public LockPathPause Arm(LockPathStep step)
    {
        var pause = new LockPathPause(step);
        if (!_armed.TryAdd(step, pause))
        {
            throw new InvalidOperationException($"A pause at {step} is already armed.");
        }

        return pause;
    }

    /// <inheritdoc />
    public Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, TicketMode mode, CancellationToken cancellationToken) => Inner.EnqueueAsync(keys, mode, cancellationToken);

    /// <inheritdoc />
    public async Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        var head = await Inner.CheckHeadAsync(ticket, cancellationToken).ConfigureAwait(false);
        if (head.Status == HeadStatus.Head)
        {
            await StopAtAsync(LockPathStep.AfterHeadCheck).ConfigureAwait(false);
        }

        return head;
    }

    /// <inheritdoc />
    public Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken) => Inner.WaitForChangeAsync(ticket, cancellationToken);

    /// <inheritdoc />
    public Task<VersionedKeyState> GetKeyStateAsync(string key, CancellationToken cancellationToken) => Inner.GetKeyStateAsync(key, cancellationToken);

    /// <inheritdoc />
    public async Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken)
    {
        var result = await Inner.TryRecordAcquiredAsync(ticket, position, expected, cancellationToken).ConfigureAwait(false);
        if (result == RecordResult.Recorded && _armed.TryRemove(LockPathStep.AfterRecordReplyLost, out var pause))
        {
            await pause.HoldAsync().ConfigureAwait(false);
            throw new MusicTimeoutException($"The reply to recording {ticket}'s acquisition of '{position.Key}' was lost (test fault).");
        }

        return result;
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(LockTicket ticket, CleanRelease? clean, CancellationToken cancellationToken)
    {
        await StopAtAsync(LockPathStep.BeforeRelease).ConfigureAwait(false);
        await Inner.ReleaseAsync(ticket, clean, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken) => Inner.ReadQueueAsync(key, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken) => Inner.ForceRemoveAsync(entry, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    private Task StopAtAsync(LockPathStep step) =>
        _armed.TryRemove(step, out var pause) ? pause.HoldAsync() : Task.CompletedTask;
}
