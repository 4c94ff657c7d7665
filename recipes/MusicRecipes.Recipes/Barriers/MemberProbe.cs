using Microsoft.Extensions.Logging;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// Tells whether a double-barrier member's membership is over, with the public lock operations only: enqueue a ticket
/// on the member's key and look once, without waiting (and without evicting anyone). The member took that key before
/// it was counted and nobody else ever holds it, so if the probe gets it the member's ticket has left the queue —
/// released, or dropped with its session — and the member is gone. If not, the member (or another prober) holds it
/// and the member counts. The probe's ticket is withdrawn either way.
/// </summary>
internal static class MemberProbe
{
    /// <summary>True when the membership is certainly over; false when it holds or the probe could not tell.</summary>
    public static async Task<bool> IsGoneAsync(IMusicClient client, string barrier, DoubleBarrierMember member, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var probe = await new MusicMutex(client, new[] { BarrierMembership.KeyOf(barrier, member) }, logger).TryAcquireAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (probe is null)
            {
                return false;
            }

            await ReleaseAsync(probe, logger).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is MusicException or TimeoutException)
        {
            // Unknown is not gone: the member keeps counting until a probe is sure.
            logger.LogDebug(ex, "Could not probe membership {Token} of {Participant}", member.Token, member.Id);
            return false;
        }
    }

    private static async Task ReleaseAsync(MusicCriticalSection probe, ILogger logger)
    {
        try
        {
            await probe.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MusicException or TimeoutException)
        {
            // The member is gone all the same; the client keeps removing the probe's ticket in the background.
            logger.LogDebug(ex, "Could not withdraw a membership probe; the client retries in the background");
        }
    }
}
