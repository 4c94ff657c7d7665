namespace MusicRecipes.Cql.Connections;

/// <summary>Free stream ids of one connection, with a semaphore so callers wait for an id instead of failing.</summary>
internal sealed class StreamIdPool : IDisposable
{
    private readonly Stack<short> _free;
    private readonly SemaphoreSlim _available;
    private readonly object _lock = new();

    public StreamIdPool(int size)
    {
        // Ids 1..size; 0 is avoided so a stray v1-style synchronous answer can never match a request.
        _free = new Stack<short>(Enumerable.Range(1, size).Reverse().Select(i => (short)i));
        _available = new SemaphoreSlim(size);
        Capacity = size;
    }

    public int Capacity { get; }

    public int InUse
    {
        get
        {
            lock (_lock)
            {
                return Capacity - _free.Count;
            }
        }
    }

    public async ValueTask<short> RentAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return _free.Pop();
        }
    }

    public void Return(short id)
    {
        lock (_lock)
        {
            _free.Push(id);
        }

        _available.Release();
    }

    public void Dispose() => _available.Dispose();
}
