using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Testing;

/// <summary>
/// Curator's KillSession, shared by the process kit and the container kit: a second connection presents the session's
/// id and password, then closes the session, so the ensemble deletes its ephemeral nodes at once.
/// </summary>
internal static class ZooKeeperSessionKiller
{
    public static async Task ExpireAsync(string connectionString, ZooKeeperSessionCredentials credentials, CancellationToken cancellationToken)
    {
        // The owner, dropped when the killer takes its session over, may reconnect and take it back before the
        // killer's closeSession is processed; the server then drops the killer and the session lives on. So repeat
        // until a connection that presents the credentials is refused them (it gets a session of its own).
        for (var attempt = 1; ; attempt++)
        {
            var killer = await ZooKeeperClient.ConnectAsync(
                new ZooKeeperClientOptions { ConnectionString = connectionString, ResumeSession = credentials, SessionTimeout = TimeSpan.FromSeconds(10) },
                cancellationToken).ConfigureAwait(false);
            var expired = killer.SessionId != credentials.SessionId;

            // Disposing sends closeSession: for the shared session, or for the fresh one the server gave instead.
            await killer.DisposeAsync().ConfigureAwait(false);
            if (expired)
            {
                return;
            }

            if (attempt == 10)
            {
                throw new InvalidOperationException($"Session 0x{credentials.SessionId:x} could not be expired: its owner kept taking it back.");
            }
        }
    }
}
