namespace MusicRecipes.Cql;

/// <summary>
/// Client-side default timestamps in microseconds since the epoch, strictly increasing within the process so
/// two writes of one client never share or invert a timestamp even if the clock steps back or ticks coarsely.
/// </summary>
internal sealed class TimestampGenerator
{
    private long _last;

    public long Next()
    {
        while (true)
        {
            var now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
            var last = Volatile.Read(ref _last);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }
}
