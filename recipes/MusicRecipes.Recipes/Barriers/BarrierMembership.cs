using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// A participant's presence in a double barrier, tied to its lock session as Curator ties it to an ephemeral node: the
/// participant holds the lock on a member key of its own (unique to this join) for as long as it counts. The ticket
/// lives in the client's lock-service session, so when the process dies the session expires, the ticket goes, and the
/// others find the key free (<see cref="MemberProbe"/>) and stop counting it. Nothing is ever written to the key.
/// </summary>
/// <remarks>
/// With <see cref="MusicClientOptions.HoldLease"/> set, a membership outliving the lease is lost like any hold
/// (<see cref="LostToken"/> fires), and the participant's waits end with <see cref="LockLostException"/>.
/// </remarks>
internal sealed class BarrierMembership
{
    private readonly MusicCriticalSection _hold;
    private readonly ILogger _logger;

    private BarrierMembership(MusicCriticalSection hold, DoubleBarrierMember member, ILogger logger)
    {
        _hold = hold;
        Member = member;
        _logger = logger;
    }

    /// <summary>The record that counts this participant in a round.</summary>
    public DoubleBarrierMember Member { get; }

    /// <summary>Fires when the membership is lost: the session expired, the ticket was forcibly released, or its lease ran out.</summary>
    public CancellationToken LostToken => _hold.LostToken;

    /// <summary>True while the member key's lock is held.</summary>
    public bool IsHeld => _hold.IsHeld;

    /// <summary>Why the membership was lost, or <c>null</c>.</summary>
    public LockLossReason? LossReason => _hold.LossReason;

    /// <summary>The member key of a membership token: under the barrier's own key, one per join.</summary>
    public static string KeyOf(string barrier, DoubleBarrierMember member) => $"{RecipeKeys.DoubleBarrier(barrier)}/m/{member.Token}";

    /// <summary>Takes the lock on a fresh member key (free at once: nobody else ever uses it but probes).</summary>
    public static async Task<BarrierMembership> JoinAsync(IMusicClient client, string barrier, string participantId, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        var member = new DoubleBarrierMember(participantId, Guid.NewGuid().ToString("N"));
        var hold = await new MusicMutex(client, new[] { KeyOf(barrier, member) }, logger).AcquireAsync(timeout, cancellationToken).ConfigureAwait(false);
        return new BarrierMembership(hold, member, logger);
    }

    /// <summary>
    /// Ends the membership. A failure is logged, not thrown: by then the member is no longer counted in the state, and
    /// the client keeps removing the ticket in the background (a guaranteed release) until its session ends.
    /// </summary>
    public async Task EndAsync()
    {
        try
        {
            await _hold.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MusicException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogWarning(ex, "Could not release membership {Token} of {Participant}; the client retries in the background", Member.Token, Member.Id);
        }
    }
}
