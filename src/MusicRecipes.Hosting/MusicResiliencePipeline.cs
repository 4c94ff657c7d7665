using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace MusicRecipes.Hosting;

/// <summary>Builds the Polly.Core pipeline plugged into <see cref="MusicClientOptions.Resilience"/>.</summary>
internal static class MusicResiliencePipeline
{
    public static ResiliencePipeline Create(MusicResilienceOptions options, ILogger logger)
    {
        if (!options.Enabled || options.MaxRetryAttempts <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // Only faults that say "try again": nothing written (unavailable), or an outcome MUSIC already treats
                // as unclean (timeout). The client only routes idempotent calls through this pipeline.
                ShouldHandle = new PredicateBuilder().Handle<MusicUnavailableException>().Handle<MusicTimeoutException>(),
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogDebug(args.Outcome.Exception, "Retrying a MUSIC backend call (attempt {Attempt}) after {Delay}", args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }
}
