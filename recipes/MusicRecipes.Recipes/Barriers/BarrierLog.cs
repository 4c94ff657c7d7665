using Microsoft.Extensions.Logging;

namespace MusicRecipes.Recipes.Barriers;

/// <summary>The log events of the barriers (event ids 1400–1499), source-generated.</summary>
internal static partial class BarrierLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Barrier {Barrier} {Change} (generation {Generation})")]
    public static partial void Changed(this ILogger logger, string barrier, string change, long generation);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Could not release membership {Token} of {Participant}; the client retries in the background")]
    public static partial void MembershipReleaseFailed(this ILogger logger, Exception exception, string token, string participant);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Debug, Message = "Participant {Participant} entered double barrier {Barrier} ({Count}/{Needed})")]
    public static partial void Entered(this ILogger logger, string participant, string barrier, int count, int needed);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Double barrier {Barrier}: dropping {Participants}, whose lock session ended")]
    public static partial void DroppingMembers(this ILogger logger, string barrier, string participants);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Warning, Message = "Participant {Participant} could not withdraw from double barrier {Barrier}")]
    public static partial void WithdrawFailed(this ILogger logger, Exception exception, string participant, string barrier);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Debug, Message = "Could not probe membership {Token} of {Participant}")]
    public static partial void ProbeFailed(this ILogger logger, Exception exception, string token, string participant);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Debug, Message = "Could not withdraw a membership probe; the client retries in the background")]
    public static partial void ProbeWithdrawFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1408, Level = LogLevel.Debug, Message = "Local read of barrier key {Key} failed; polling on (the next critical read bounds the wait)")]
    public static partial void LocalReadFailed(this ILogger logger, Exception exception, string key);
}
