using Microsoft.Extensions.Logging;

namespace MusicRecipes.Recipes.Internal;

/// <summary>
/// Keeps retrying a release (or a withdrawal) that failed where the caller could not retry it itself — a disposal in
/// an <c>await using</c>, a withdrawn attempt. A ticket left queued while its session lives would block every later
/// holder (STYLE.md: local state must not be dropped when a release fails), so it is retried with backoff until it
/// succeeds, the ticket is gone anyway (lost, released), or the client is disposed. The failure was already thrown
/// to the caller; this only makes sure the lock does not leak.
/// </summary>
internal static class ReleaseRetrier
{
    public static void Start(Func<Task> release, Func<bool> isDone, ILogger logger, string what)
    {
        _ = Task.Run(async () =>
        {
            var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
            while (!isDone())
            {
                await backoff.DelayAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await release().ConfigureAwait(false);
                    logger.LogInformation("Released {What} on a background retry", what);
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return; // the client is closed: its session end removed the ticket
                }
                catch (Exception ex) when (ex is MusicException or TimeoutException or OperationCanceledException)
                {
                    logger.LogDebug(ex, "Background release of {What} failed; retrying", what);
                }
            }
        });
    }
}
