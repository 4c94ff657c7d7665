namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// One worker's knowledge of one producer's items: everything at or below <see cref="LowWater"/> is done, plus the
/// done or declined items above it. Only facts read under the item's lock are recorded, so a stale replica can never
/// make a worker skip an item forever.
/// </summary>
internal sealed class ProducerCursor
{
    private readonly HashSet<long> _settled = new();

    public long LowWater { get; private set; }

    public bool IsSettled(long sequence) => sequence <= LowWater || _settled.Contains(sequence);

    /// <summary>Records an item this worker never needs to look at again (done, or declined by this worker).</summary>
    public void Settle(long sequence)
    {
        if (sequence <= LowWater)
        {
            return;
        }

        _settled.Add(sequence);
        while (_settled.Remove(LowWater + 1))
        {
            LowWater++;
        }
    }
}
