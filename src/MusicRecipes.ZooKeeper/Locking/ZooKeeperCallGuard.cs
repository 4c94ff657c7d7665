using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// How ZooKeeper's errors become MUSIC's: transient ones unavailable (the client retries them), a ticket call that
/// meets its own expired session as the ticket being gone (rule 6), the rest as refusals. A call on a disposed store
/// fails with <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class ZooKeeperCallGuard(ZooKeeperLockStore store, Func<bool> disposed, ZooKeeperClient client, ZooKeeperOwnTickets tickets)
{
    /// <summary>Runs a store call, turning ZooKeeper's transient errors into MUSIC's (the client retries those).</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        ObjectDisposedException.ThrowIf(disposed(), store);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code is KeeperErrorCode.ConnectionLoss or KeeperErrorCode.OperationTimeout
            or KeeperErrorCode.SessionMoved or KeeperErrorCode.SessionExpired or KeeperErrorCode.Throttled)
        {
            throw new MusicUnavailableException($"ZooKeeper is unavailable ({e.Code}): {e.Message}", e);
        }
        catch (KeeperException e)
        {
            throw new MusicException($"ZooKeeper refused a lock-store operation ({e.Code}): {e.Message}", e);
        }
    }

    public Task RunAsync(Func<Task> call) => RunAsync(async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });

    /// <summary>
    /// A call about one ticket whose request found the ticket's own session expired: the servers deleted the session's
    /// nodes, so the ticket is gone — lost (rule 6: it is never told it holds), a head check says Gone, a record
    /// records nothing, and a release is done (the key is left unclean, so its next holder syncs, rule 3). Telling the
    /// caller "unavailable" would only make it retry what cannot succeed, or fail, any more.
    /// </summary>
    public Task<T> RunForTicketAsync<T>(LockTicket ticket, T whenSessionEnded, Func<Task<T>> call)
    {
        var sessionAtStart = client.SessionId; // formatted only when an expiry is met: head checks are a hot path
        return RunAsync(async () =>
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.SessionExpired && ticket.SessionId == ZooKeeperLockStore.FormatSessionId(sessionAtStart))
            {
                if (!tickets.WasRemovedByUs(ticket.Id))
                {
                    ticket.SignalLost(LockLossReason.SessionExpired); // a release under way is not a loss
                }

                tickets.Forget(ticket.Id);
                return whenSessionEnded;
            }
        });
    }
}
