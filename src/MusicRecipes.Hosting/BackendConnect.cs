namespace MusicRecipes.Hosting;

/// <summary>
/// Runs an asynchronous connect from a synchronous DI factory. Backends are created while the container resolves
/// <see cref="IMusicClient"/>, which cannot await; the connect runs on the thread pool (so no synchronization
/// context can deadlock it) and is bounded, so a host whose servers are unreachable fails at start-up with a clear
/// message instead of hanging or failing later at the first lock.
/// </summary>
internal static class BackendConnect
{
    public static T Run<T>(Func<CancellationToken, Task<T>> connect, TimeSpan timeout, Func<Exception, string> describeFailure)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return Task.Run(() => connect(cancel.Token), CancellationToken.None).WaitAsync(timeout + TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not MusicUnavailableException)
        {
            throw new MusicUnavailableException(describeFailure(ex), ex);
        }
    }
}
