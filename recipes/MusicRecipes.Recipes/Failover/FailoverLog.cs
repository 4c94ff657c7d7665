using Microsoft.Extensions.Logging;

namespace MusicRecipes.Recipes.Failover;

/// <summary>The log events of active-passive failover (event ids 1200–1299), source-generated.</summary>
internal static partial class FailoverLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Replica {Replica} is active for {Service} (term {Fence}), resuming from checkpoint {Sequence} of term {Term}")]
    public static partial void Active(this ILogger logger, string replica, string service, long fence, long? sequence, long? term);
}
