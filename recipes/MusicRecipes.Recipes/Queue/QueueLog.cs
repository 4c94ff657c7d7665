using Microsoft.Extensions.Logging;

namespace MusicRecipes.Recipes.Queue;

/// <summary>The log events of the work queue (event ids 1300–1399), source-generated.</summary>
internal static partial class QueueLog
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Worker {Worker} of {Queue} hit a backend failure; retrying")]
    public static partial void BackendFailure(this ILogger logger, Exception exception, string worker, string queue);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Worker {Worker} stopped processing {Item} (lock lost: {Lost})")]
    public static partial void StoppedProcessing(this ILogger logger, string worker, WorkItemId item, bool lost);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Handler of worker {Worker} failed on {Item} after its lock was lost")]
    public static partial void HandlerFailedAfterLoss(this ILogger logger, Exception exception, string worker, WorkItemId item);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Error, Message = "Handler of worker {Worker} failed on {Item}; releasing it to other workers")]
    public static partial void HandlerFailed(this ILogger logger, Exception exception, string worker, WorkItemId item);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Debug, Message = "Clean-up of the claim of {Item} still fails; retrying next round")]
    public static partial void CleanupFails(this ILogger logger, Exception exception, WorkItemId item);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Debug, Message = "Worker {Worker} lost its session while trying {Item}")]
    public static partial void SessionLostWhileTrying(this ILogger logger, Exception exception, string worker, WorkItemId item);

    [LoggerMessage(EventId = 1307, Level = LogLevel.Warning, Message = "Worker {Worker} recovers {Item} from {Previous}, which lost its lock mid-item (attempt {Attempt})")]
    public static partial void Recovers(this ILogger logger, string worker, WorkItemId item, string? previous, int attempt);

    [LoggerMessage(EventId = 1308, Level = LogLevel.Warning, Message = "Could not release the lock of a work item of {Queue}")]
    public static partial void CouldNotRelease(this ILogger logger, Exception exception, string queue);

    [LoggerMessage(EventId = 1309, Level = LogLevel.Information, Message = "Producer {Producer} registered with queue {Queue} as stream {Stream}")]
    public static partial void ProducerRegistered(this ILogger logger, string producer, string queue, string stream);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Debug, Message = "Worker {Worker} of {Queue} found nothing to claim in {Tally}")]
    public static partial void FoundNothing(this ILogger logger, string worker, string queue, DiscoveryTally tally);
}
