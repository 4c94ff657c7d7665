using MusicRecipes.Locking;

namespace MusicRecipes.Testing;

/// <summary>
/// An <see cref="IMusicClient"/> that passes every call to another one: the base of test clients that add faults or
/// links around a real client (<see cref="SiteClients.FaultableSiteClient"/>), overriding only what they change.
/// </summary>
/// <example>
/// <code>
/// public sealed class SlowReads(IMusicClient inner) : DelegatingMusicClient(inner)
/// {
///     public override async Task&lt;byte[]?&gt; GetAsync(string key, CancellationToken cancellationToken = default)
///     {
///         await Task.Delay(100, cancellationToken);
///         return await base.GetAsync(key, cancellationToken);
///     }
/// }
/// </code>
/// </example>
public abstract class DelegatingMusicClient(IMusicClient inner) : IMusicClient
{
    /// <summary>The client every call goes to.</summary>
    public IMusicClient Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public virtual string Site => Inner.Site;

    /// <inheritdoc />
    public virtual LockSessionState SessionState => Inner.SessionState;

    /// <inheritdoc />
    public virtual event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged
    {
        add => Inner.SessionStateChanged += value;
        remove => Inner.SessionStateChanged -= value;
    }

    /// <inheritdoc />
    public virtual Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) => Inner.GetAsync(key, cancellationToken);

    /// <inheritdoc />
    public virtual Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default) => Inner.PutAsync(key, value, cancellationToken);

    /// <inheritdoc />
    public virtual Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) => Inner.CreateLockRefAsync(keys, cancellationToken);

    /// <inheritdoc />
    public virtual Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, TicketMode mode, CancellationToken cancellationToken = default) => Inner.CreateLockRefAsync(keys, mode, cancellationToken);

    /// <inheritdoc />
    public virtual Task<bool> AcquireLockAsync(LockRef lockRef, CancellationToken cancellationToken = default) => Inner.AcquireLockAsync(lockRef, cancellationToken);

    /// <inheritdoc />
    public virtual Task<byte[]?> CriticalGetAsync(LockRef lockRef, string key, CancellationToken cancellationToken = default) => Inner.CriticalGetAsync(lockRef, key, cancellationToken);

    /// <inheritdoc />
    public virtual Task CriticalPutAsync(LockRef lockRef, string key, byte[] value, CancellationToken cancellationToken = default) => Inner.CriticalPutAsync(lockRef, key, value, cancellationToken);

    /// <inheritdoc />
    public virtual Task ReleaseLockAsync(LockRef lockRef, CancellationToken cancellationToken = default) => Inner.ReleaseLockAsync(lockRef, cancellationToken);

    /// <inheritdoc />
    public virtual Task WaitForLockAsync(LockRef lockRef, TimeSpan timeout, CancellationToken cancellationToken = default) => Inner.WaitForLockAsync(lockRef, timeout, cancellationToken);

    /// <inheritdoc />
    public virtual Task<bool> ForceReleaseAsync(string key, CancellationToken cancellationToken = default) => Inner.ForceReleaseAsync(key, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<LockQueueEntry>> GetLockQueueAsync(string key, CancellationToken cancellationToken = default) => Inner.GetLockQueueAsync(key, cancellationToken);

    /// <summary>Disposes <see cref="Inner"/>; a subclass that does not own it overrides this.</summary>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Inner.DisposeAsync();
    }
}
