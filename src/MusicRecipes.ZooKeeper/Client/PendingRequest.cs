namespace MusicRecipes.ZooKeeper;

/// <summary>A numbered request waiting for its reply, matched by xid.</summary>
internal sealed class PendingRequest
{
    // RunContinuationsAsynchronously: completing this from the reader loop must never run the caller's
    // continuation inline on the loop.
    private readonly TaskCompletionSource<Reply> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingRequest(int xid, WatchRegistration? watch, long sentTimestamp)
    {
        Xid = xid;
        Watch = watch;
        SentTimestamp = sentTimestamp;
    }

    public int Xid { get; }

    /// <summary>When the request was queued for sending (no later than the server can have received it).</summary>
    public long SentTimestamp { get; }

    public WatchRegistration? Watch { get; }

    public Task<Reply> Task => _reply.Task;

    public void Complete(Reply reply) => _reply.TrySetResult(reply);

    public void Fail(Exception error) => _reply.TrySetException(error);

    public void Cancel(CancellationToken token) => _reply.TrySetCanceled(token);
}
