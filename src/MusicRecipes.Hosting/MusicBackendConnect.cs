namespace MusicRecipes.Hosting;

/// <summary>
/// For backend packages: runs a backend's asynchronous connect with a bound, so a host whose servers are unreachable
/// fails at start-up (or at its first MUSIC call) with a message naming them, instead of hanging. Failures the backend
/// calls refusals (credentials the servers refuse, a TLS handshake that fails for good) are an
/// <see cref="System.Security.Authentication.AuthenticationException"/>, not "unavailable": nothing retries them.
/// Nothing here blocks a thread.
/// </summary>
/// <example>
/// <code>
/// var session = await MusicBackendConnect.RunAsync(
///     ct => MyStore.ConnectAsync(settings, ct),
///     settings.ConnectTimeout,
///     ex => $"Could not reach {settings.Address} within {settings.ConnectTimeout}: {ex.Message}",
///     ex => ex is MyAuthenticationException,
///     cancellationToken);
/// </code>
/// </example>
public static class MusicBackendConnect
{
    /// <summary>Runs <paramref name="connect"/>, bounded by <paramref name="timeout"/>.</summary>
    /// <param name="connect">The backend's connect.</param>
    /// <param name="timeout">How long the connect may take.</param>
    /// <param name="describeFailure">The message of the exception thrown on failure; name the servers.</param>
    /// <param name="isRefusal">Whether a failure (or one of its inner exceptions) is final: the configuration is wrong.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The servers refused this client.</exception>
    /// <exception cref="MusicUnavailableException">The connect failed or took longer than <paramref name="timeout"/>.</exception>
    public static async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> connect,
        TimeSpan timeout,
        Func<Exception, string> describeFailure,
        Func<Exception, bool> isRefusal,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(describeFailure);
        ArgumentNullException.ThrowIfNull(isRefusal);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            return await connect(bound.Token).WaitAsync(timeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRefusal(ex, isRefusal))
        {
            // Not "unavailable": retrying would only be refused again (and hammer the servers); the configuration is wrong.
            throw new System.Security.Authentication.AuthenticationException(describeFailure(ex), ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not MusicUnavailableException && !cancellationToken.IsCancellationRequested)
        {
            throw new MusicUnavailableException(describeFailure(ex), ex);
        }
    }

    private static bool IsRefusal(Exception ex, Func<Exception, bool> isRefusal) =>
        isRefusal(ex) || (ex.InnerException is { } inner && IsRefusal(inner, isRefusal));
}
