using System.Diagnostics;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Bench;

/// <summary>
/// The workers of a placement run: each loops discovery round → claim → place (nothing to do: the coordination is
/// what is measured) → complete, and records every claim. They can be paused between claims, so a backlog can be
/// built up and then cleared against the clock.
/// </summary>
internal sealed class PlacementWorkers(IPlacementVariant variant, PlacementLog log, int workers)
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private volatile TaskCompletionSource? _paused;
    private int _errors;
    private string? _firstError;

    /// <summary>Discovery rounds or completions that failed (each is retried by the next round).</summary>
    public int Errors => Volatile.Read(ref _errors);

    public string? FirstError => _firstError;

    public void Start()
    {
        for (var worker = 0; worker < workers; worker++)
        {
            var id = worker;
            _loops.Add(Task.Run(() => LoopAsync(id)));
        }
    }

    /// <summary>Workers finish the claim they are on, then wait.</summary>
    public void Pause() => _paused ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume()
    {
        var paused = _paused;
        _paused = null;
        paused?.TrySetResult();
    }

    public async Task StopAsync()
    {
        _stop.Cancel();
        Resume();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private async Task LoopAsync(int worker)
    {
        var empty = 0;
        while (!_stop.IsCancellationRequested)
        {
            if (_paused is { } paused)
            {
                await paused.Task.ConfigureAwait(false);
                continue;
            }

            try
            {
                var invokedAt = Stopwatch.GetTimestamp();
                var claim = await variant.TryClaimAsync(worker, _stop.Token).ConfigureAwait(false);
                if (claim is null)
                {
                    await variant.IdleAsync(worker, ++empty, _stop.Token).ConfigureAwait(false);
                    continue;
                }

                empty = 0;
                await using (claim.ConfigureAwait(false))
                {
                    await CompleteAsync(worker, claim, invokedAt).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A round or a clean-up failed (a site cut off, a lost session): note it and go on, as a worker would.
                Failed(worker, ex);
                await Delay(TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
            }
        }
    }

    private async Task CompleteAsync(int worker, IPlacementClaim claim, long invokedAt)
    {
        var claimedAt = Stopwatch.GetTimestamp();
        var completion = OperationOutcome.Acknowledged;
        try
        {
            await claim.CompleteAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            // It may have landed (a timeout, a lock lost after the write): the checker counts it only if the item is done.
            completion = OperationOutcome.Indeterminate;
            Failed(worker, ex);
        }

        log.Add(new WorkClaimRecord
        {
            Item = claim.Item,
            Payload = claim.Payload,
            Worker = "w" + worker.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Fencing = claim.Fencing,
            InvokedAt = invokedAt,
            ClaimedAt = claimedAt,
            Completion = completion,
            CompletedAt = Stopwatch.GetTimestamp(),
        });
    }

    private void Failed(int worker, Exception ex)
    {
        if (Interlocked.Increment(ref _errors) == 1)
        {
            _firstError = $"worker {worker}: {ex.GetType().Name}: {ex.Message}";
        }
    }

    private async Task Delay(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
