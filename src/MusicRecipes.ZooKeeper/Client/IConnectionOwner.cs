namespace MusicRecipes.ZooKeeper;

/// <summary>What a <see cref="ZooKeeperConnection"/> reports to the client that owns it. Called on the reader loop: must not block.</summary>
internal interface IConnectionOwner
{
    /// <summary>A numbered reply carried this zxid (the client remembers the largest for reconnects).</summary>
    void ObserveZxid(long zxid);

    /// <summary>The watches registered with this client.</summary>
    WatchRegistry Watches { get; }

    /// <summary>
    /// The server answered a request of session <paramref name="sessionId"/> that was queued for sending at
    /// <paramref name="sentTimestamp"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp): the server heard from the
    /// session no earlier than that, which is what a client-side lease of the session is measured from.
    /// </summary>
    void OnAcknowledged(long sessionId, long sentTimestamp);

    /// <summary>The server answered an auth packet with <paramref name="error"/> (it closes the connection next).</summary>
    void OnAuthFailed(KeeperErrorCode error);

    /// <summary>A watch notification arrived, with the server's path.</summary>
    void OnNotification(WatchEventType type, string serverPath);
}
