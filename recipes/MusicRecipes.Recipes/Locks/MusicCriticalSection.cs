using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;
using MusicRecipes.Recipes.Internal;

namespace MusicRecipes.Recipes.Locks;

/// <summary>
/// One held <see cref="MusicMutex"/>: a handle per hold. <see cref="GetAsync"/> and <see cref="PutAsync"/> are MUSIC
/// critical operations on the protected keys; dispose (or <see cref="ReleaseAsync"/>) to release.
/// </summary>
/// <remarks>
/// <para>Loss is visible (rule 6 of docs/design.md): <see cref="LostToken"/> fires when the lock-service session expires,
/// the ticket is forcibly released, or its lease runs out; after that every critical operation throws
/// <see cref="LockLostException"/>. Hand <see cref="FencingToken"/> to any other system the holder writes to, so it
/// can reject a holder that lost the lock but has not noticed yet.</para>
/// <para>Release failures are never swallowed: if the lock service cannot be reached while the hold is still valid,
/// <see cref="ReleaseAsync"/> and <see cref="DisposeAsync"/> throw and the section stays releasable, so the caller
/// can retry. The client itself also keeps removing the ticket in the background
/// (<see cref="IMusicStore.ReleaseLockAsync"/> is a guaranteed release), so a failed disposal — whose caller cannot
/// retry — never leaves the keys taken while the session lives. Releasing a hold that was already lost needs nothing
/// from the lock service, which removed the ticket itself.</para>
/// <example>
/// <code>
/// await using var section = await mutex.AcquireAsync(TimeSpan.FromSeconds(5), ct);
/// using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, section.LostToken);
/// var n = long.Parse(await section.GetStringAsync("counter", work.Token) ?? "0");
/// await section.PutStringAsync("counter", (n + 1).ToString(), work.Token);
/// </code>
/// </example>
/// </remarks>
public sealed class MusicCriticalSection : IAsyncDisposable
{
    private readonly IMusicClient _client;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _releaseGate = new(1, 1);
    private readonly long _acquiredAt = Stopwatch.GetTimestamp();
    private volatile bool _released;

    internal MusicCriticalSection(IMusicClient client, LockRef lockRef, ILogger logger)
    {
        _client = client;
        LockRef = lockRef;
        _logger = logger;
    }

    /// <summary>The MUSIC ticket behind this hold (for direct <see cref="IMusicStore"/> calls).</summary>
    public LockRef LockRef { get; }

    /// <summary>The protected keys.</summary>
    public IReadOnlyList<string> Keys => LockRef.Keys;

    /// <summary>The fencing token of the first protected key: strictly larger for every later holder.</summary>
    public FencingToken FencingToken => LockRef.FencingToken;

    /// <summary>Fires when the hold is lost (not on a normal release).</summary>
    public CancellationToken LostToken => LockRef.LostToken;

    /// <summary>True while the hold is valid: acquired, not lost, not released.</summary>
    public bool IsHeld => !_released && LockRef.IsHeld;

    /// <summary>Why the hold was lost, or <c>null</c>.</summary>
    public LockLossReason? LossReason => LockRef.LossReason;

    /// <summary>True once released.</summary>
    public bool IsReleased => _released;

    /// <summary>The fencing token of one protected key.</summary>
    /// <exception cref="ArgumentException">The key is not protected by this section.</exception>
    public FencingToken FencingTokenFor(string key) => LockRef.FencingTokenFor(key);

    /// <summary>Critical read (QUORUM, newest wins) of a protected key; <c>null</c> when it has no value.</summary>
    /// <exception cref="LockLostException">The hold was lost or released.</exception>
    /// <exception cref="LockNotHeldException">The key is not protected by this section.</exception>
    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        _client.CriticalGetAsync(LockRef, key, cancellationToken);

    /// <summary>Critical write (QUORUM, fencing timestamp) of a protected key.</summary>
    /// <exception cref="LockLostException">The hold was lost or released.</exception>
    /// <exception cref="LockNotHeldException">The key is not protected by this section.</exception>
    public Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default) =>
        _client.CriticalPutAsync(LockRef, key, value, cancellationToken);

    /// <summary>
    /// Releases the hold. Idempotent; safe to call from any task. Throws when the lock service cannot be reached
    /// while the hold is still valid — the section then stays releasable and the call may be retried.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        if (_released)
        {
            return;
        }

        await _releaseGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_released)
            {
                return;
            }

            using var activity = RecipeTelemetry.Start("music.recipe.mutex.release", "mutex", _client);
            activity?.SetTag(MusicDiagnostics.TicketTag, LockRef.ToString());
            try
            {
                await _client.ReleaseLockAsync(LockRef, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsAlreadyGone(ex))
            {
                // The lock service removed the ticket itself (session expired, forced release, client closed).
                _logger.AlreadyLost(ex, LockRef, LockRef.LossReason);
            }
            catch (Exception ex)
            {
                RecipeTelemetry.Fail(activity, ex);
                _logger.ReleaseFailed(ex, LockRef);
                throw;
            }

            _released = true;
            RecipeTelemetry.MutexHold.Record(Stopwatch.GetElapsedTime(_acquiredAt).TotalMilliseconds);
        }
        finally
        {
            _releaseGate.Release();
        }
    }

    /// <summary>
    /// Releases the hold (see <see cref="ReleaseAsync"/>). A failure is thrown, not swallowed; the client keeps
    /// removing the ticket in the background (a guaranteed release), so the lock never stays taken while the session
    /// lives even though the caller of a disposal cannot retry.
    /// </summary>
    public async ValueTask DisposeAsync() => await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => $"MusicCriticalSection({LockRef}, held: {IsHeld})";

    /// <summary>
    /// A ticket the lock service already dropped needs no release. A lease expiry is not such a case: the ticket
    /// is still queued until someone evicts it, so its release failure must surface.
    /// </summary>
    private bool IsAlreadyGone(Exception ex) =>
        LockRef.IsDroppedByService && (MusicErrors.IsCoordinationFailure(ex) || ex is ObjectDisposedException);
}
