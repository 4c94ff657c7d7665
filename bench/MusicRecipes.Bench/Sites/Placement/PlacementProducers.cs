using System.Diagnostics;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Bench;

/// <summary>The producers of a placement run: one per site, each submitting templates with unique payloads.</summary>
internal sealed class PlacementProducers(IPlacementVariant variant, PlacementLog log, int sites, PlacementSettings settings)
{
    private int _next;

    /// <summary>
    /// Open loop: every site starts a submission every 1/rate s for <paramref name="duration"/>, whether or not its
    /// earlier ones returned (a user does not wait for the previous user), then waits for the ones still running.
    /// </summary>
    public async Task OfferAsync(string phase, TimeSpan duration, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1 / settings.SubmitsPerSecondPerSite);
        var started = Stopwatch.GetTimestamp();
        var running = new List<Task>();
        for (var n = 0; ; n++)
        {
            var due = interval * n;
            if (due >= duration)
            {
                break;
            }

            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            running.AddRange(Enumerable.Range(0, sites).Select(site => SubmitAsync(site, phase, cancellationToken)));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>Closed loop: every site submits <paramref name="perSite"/> templates one after another, the sites side by side.</summary>
    public Task BurstAsync(string phase, int perSite, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, sites).Select(async site =>
        {
            for (var i = 0; i < perSite; i++)
            {
                await SubmitAsync(site, phase, cancellationToken).ConfigureAwait(false);
            }
        }));

    private async Task SubmitAsync(int site, string phase, CancellationToken cancellationToken)
    {
        var payload = FormattableString.Invariant($"{variant.Name}/{phase}/site{site}/{Interlocked.Increment(ref _next)}");
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.SubmitTimeout);
        string? item = null;
        var outcome = OperationOutcome.Acknowledged;
        try
        {
            item = await variant.SubmitAsync(site, payload, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused, failed or given up: not accepted, though it may still land (the checker does not require it).
            outcome = OperationOutcome.Indeterminate;
        }

        log.Add(new PlacementSubmission(site, payload, phase, started, Stopwatch.GetElapsedTime(started).TotalMilliseconds, outcome, item));
    }
}
