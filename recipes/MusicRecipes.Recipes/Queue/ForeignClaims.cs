namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// Items whose local replica says another worker claimed them, and since when this worker has seen that. Such an item
/// is left alone (no lock attempt, which would cost lock-service writes and find it held) for up to a trust window;
/// then it is checked under its lock once, which recovers it if that worker died, and trusted again if it still lives.
/// </summary>
/// <remarks>
/// A replica's "claimed" is only a hint: the claimer may have crashed, and its state then stays "claimed" on every
/// replica until someone locks the item. The window bounds how long such an item waits. Checking sooner buys little:
/// a crashed claimer's lock is free only once its session has expired, and an idle worker that checked every held
/// item in every round spent more lock-service requests on them than on its claims (the placement benchmark,
/// docs/performance.md).
/// </remarks>
internal sealed class ForeignClaims(TimeProvider time, TimeSpan trust)
{
    private readonly Dictionary<WorkItemId, long> _firstSeen = new();

    /// <summary>True while <paramref name="id"/>, seen claimed by another worker, is still within its trust window.</summary>
    public bool Defer(WorkItemId id)
    {
        var now = time.GetTimestamp();
        lock (_firstSeen)
        {
            if (!_firstSeen.TryGetValue(id, out var since))
            {
                _firstSeen[id] = now;
                return true;
            }

            if (time.GetElapsedTime(since, now) < trust)
            {
                return true;
            }

            // Due for a check under the lock; if the claimer still holds it, the window starts again from here.
            _firstSeen[id] = now;
            return false;
        }
    }

    /// <summary>Forgets an item that was settled or that this worker claimed.</summary>
    public void Forget(WorkItemId id)
    {
        lock (_firstSeen)
        {
            _firstSeen.Remove(id);
        }
    }
}
