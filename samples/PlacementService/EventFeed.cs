namespace PlacementService;

/// <summary>The latest things that happened (placements, crashes, cut-offs), newest first, for the live page.</summary>
public sealed class EventFeed
{
    private const int Capacity = 40;
    private readonly LinkedList<DemoEvent> _events = new();
    private long _sequence;

    /// <summary>Adds an event now; the oldest falls off beyond the feed's capacity.</summary>
    public void Add(string text)
    {
        lock (_events)
        {
            _events.AddFirst(new DemoEvent(++_sequence, DateTimeOffset.UtcNow, text));
            if (_events.Count > Capacity)
            {
                _events.RemoveLast();
            }
        }
    }

    /// <summary>The kept events, newest first.</summary>
    public IReadOnlyList<DemoEvent> Latest()
    {
        lock (_events)
        {
            return _events.ToArray();
        }
    }
}

/// <summary>One entry of the <see cref="EventFeed"/>.</summary>
public sealed record DemoEvent(long Sequence, DateTimeOffset At, string Text);
