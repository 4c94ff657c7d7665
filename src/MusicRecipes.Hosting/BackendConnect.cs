namespace MusicRecipes.Hosting;

/// <summary>
/// Runs a backend's asynchronous connect with a bound, so a host whose servers are unreachable fails at start-up (or at
/// its first MUSIC call) with a message naming them, instead of hanging. Nothing here blocks a thread.
/// </summary>
internal static class BackendConnect
{
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> connect, TimeSpan timeout, Func<Exception, string> describeFailure, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            return await connect(bound.Token).WaitAsync(timeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not MusicUnavailableException && !cancellationToken.IsCancellationRequested)
        {
            throw new MusicUnavailableException(describeFailure(ex), ex);
        }
    }
}
