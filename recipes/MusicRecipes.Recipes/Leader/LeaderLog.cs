using Microsoft.Extensions.Logging;

namespace MusicRecipes.Recipes.Leader;

/// <summary>The log events of leader election (event ids 1100–1199), source-generated.</summary>
internal static partial class LeaderLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Participant {Participant} of {Group} could not publish its leadership; stepping down")]
    public static partial void CouldNotPublish(this ILogger logger, Exception exception, string participant, string group);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Participant {Participant} leads {Group} with fencing token {Fence}")]
    public static partial void Leads(this ILogger logger, string participant, string group, long fence);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Participant {Participant} of {Group} re-enters the election after a failure")]
    public static partial void ReEnters(this ILogger logger, Exception exception, string participant, string group);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Participant {Participant} of {Group} finished its leader work; stepping down")]
    public static partial void WorkFinished(this ILogger logger, string participant, string group);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Participant {Participant} lost leadership of {Group} (term {Fence}); leader work cancelled")]
    public static partial void LostWorkCancelled(this ILogger logger, string participant, string group, long fence);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Participant {Participant} lost leadership of {Group} (term {Fence})")]
    public static partial void Lost(this ILogger logger, Exception exception, string participant, string group, long fence);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Error, Message = "Leader work of {Participant} in {Group} failed; stepping down")]
    public static partial void WorkFailed(this ILogger logger, Exception exception, string participant, string group);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Participant {Participant} could not step down from {Group} yet; retrying")]
    public static partial void StepDownFailed(this ILogger logger, Exception exception, string participant, string group);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Error, Message = "A {Event} handler of {Participant} in {Group} failed")]
    public static partial void HandlerFailed(this ILogger logger, Exception exception, string @event, string participant, string group);
}
