namespace MusicRecipes.Cassandra;

/// <summary>
/// Runs a store's one-time set-up (schema, prepared statements) on first use, once even under concurrent first
/// calls; a failed attempt is not remembered, so the next call tries again (a node may have been down).
/// </summary>
internal sealed class AsyncInitializer<T>(Func<CancellationToken, Task<T>> initialize) : IDisposable
    where T : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private T? _value;

    public async Task<T> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _value) is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_value is { } raced)
            {
                return raced;
            }

            var value = await initialize(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _value, value);
            return value;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
