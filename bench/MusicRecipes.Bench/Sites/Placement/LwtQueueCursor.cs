namespace MusicRecipes.Bench;

/// <summary>One LWT-queue worker's knowledge of each producer's items: everything at or below the low-water mark is done, plus the done ones above it.</summary>
internal sealed class LwtQueueCursor(int producers)
{
    private readonly long[] _lowWater = new long[producers];
    private readonly HashSet<long>[] _done = Enumerable.Range(0, producers).Select(_ => new HashSet<long>()).ToArray();

    public long LowWater(int producer) => _lowWater[producer];

    public bool IsSettled(int producer, long seq) => seq <= _lowWater[producer] || _done[producer].Contains(seq);

    public void Settle(int producer, long seq)
    {
        _done[producer].Add(seq);
        while (_done[producer].Remove(_lowWater[producer] + 1))
        {
            _lowWater[producer]++;
        }
    }
}
