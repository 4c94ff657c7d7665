namespace MusicRecipes.Recipes.DistributedLock;

/// <summary>
/// DistributedLock's timeout rules: <see cref="Timeout.InfiniteTimeSpan"/> (or <c>null</c> for the Acquire forms) waits
/// forever; otherwise whole milliseconds from 0 to <see cref="int.MaxValue"/>, anything else is an
/// <see cref="ArgumentOutOfRangeException"/> thrown before anything starts (even by the async forms).
/// </summary>
internal static class DistributedLockTimeout
{
    public static TimeSpan Validate(TimeSpan? timeout, string paramName = "timeout")
    {
        if (timeout is not { } value)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var milliseconds = (long)value.TotalMilliseconds;
        if (milliseconds is < -1 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"The timeout must be Timeout.InfiniteTimeSpan or between 0 and {TimeSpan.FromMilliseconds(int.MaxValue)}.");
        }

        return milliseconds == -1 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(milliseconds);
    }
}
