using System.Security.Authentication;
using MusicRecipes.Cql;

namespace MusicRecipes.Hosting;

/// <summary>
/// Runs a backend's asynchronous connect with a bound, so a host whose servers are unreachable fails at start-up (or at
/// its first MUSIC call) with a message naming them, instead of hanging. Credentials the servers refuse, and a TLS
/// handshake that fails for good (a certificate that does not validate, a client certificate the servers refuse), are an
/// <see cref="AuthenticationException"/>, not "unavailable": nothing retries them. Nothing here blocks a thread.
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
        catch (Exception ex) when (IsRefusal(ex))
        {
            // Not "unavailable": retrying would only be refused again (and hammer the servers); the configuration is wrong.
            throw new AuthenticationException(describeFailure(ex), ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not MusicUnavailableException && !cancellationToken.IsCancellationRequested)
        {
            throw new MusicUnavailableException(describeFailure(ex), ex);
        }
    }

    private static bool IsRefusal(Exception ex) =>
        ex is CqlAuthenticationException or CqlTlsException or ZooKeeper.AuthFailedException or ZooKeeper.ZooKeeperTlsException
        || (ex.InnerException is { } inner && IsRefusal(inner));
}
