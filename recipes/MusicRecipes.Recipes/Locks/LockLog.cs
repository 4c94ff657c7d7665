using Microsoft.Extensions.Logging;

namespace MusicRecipes.Recipes.Locks;

/// <summary>The log events of the mutex, its sections and the DistributedLock provider (event ids 1000–1099), source-generated.</summary>
internal static partial class LockLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Mutex over {Keys} acquired with {Ticket}")]
    public static partial void Acquired(this ILogger logger, string keys, LockRef ticket);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Could not withdraw ticket {Ticket} after it timed out; the client retries in the background")]
    public static partial void WithdrawAfterTimeoutFailed(this ILogger logger, Exception exception, LockRef ticket);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Could not withdraw ticket {Ticket}; the client retries in the background")]
    public static partial void WithdrawFailed(this ILogger logger, Exception exception, LockRef ticket);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Client closed; its session end removes ticket {Ticket}")]
    public static partial void ClientClosed(this ILogger logger, Exception exception, LockRef ticket);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Ticket {Ticket} was already lost ({Reason}); nothing to release")]
    public static partial void AlreadyLost(this ILogger logger, Exception exception, LockRef ticket, MusicRecipes.Locking.LockLossReason? reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Releasing {Ticket} failed; the section stays releasable")]
    public static partial void ReleaseFailed(this ILogger logger, Exception exception, LockRef ticket);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "The wait for lock {Name} lost its ticket; queueing again")]
    public static partial void Requeueing(this ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "The wait for lock {Name} could not reach the lock service (attempt {Attempt}); trying again")]
    public static partial void RetryingUnreachable(this ILogger logger, Exception exception, string name, int attempt);
}
