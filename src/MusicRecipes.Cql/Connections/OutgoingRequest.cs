using MusicRecipes.Cql.Protocol;

namespace MusicRecipes.Cql.Connections;

/// <summary>
/// One request occupying one stream id. The id goes back to the pool only when the request is finished on the
/// wire: its response arrived (reader), it was abandoned before being written (writer), or the connection closed.
/// A caller that times out never frees the id itself, so a late response cannot be matched to a new request.
/// </summary>
internal sealed class OutgoingRequest
{
    public const int Queued = 0;
    public const int Written = 1;
    public const int Abandoned = 2;

    private int _state;

    public OutgoingRequest(byte[] frame, short streamId)
    {
        Frame = frame;
        StreamId = streamId;
    }

    public byte[] Frame { get; }

    public short StreamId { get; }

    /// <summary>Continuations run on the thread pool, never on the reader loop.</summary>
    public TaskCompletionSource<Frame> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool WasWritten => Volatile.Read(ref _state) == Written;

    /// <summary>The writer claims the request; false when the caller already gave up on it.</summary>
    public bool TryMarkWritten() => Interlocked.CompareExchange(ref _state, Written, Queued) == Queued;

    /// <summary>The caller gives up; true when the request was never written.</summary>
    public bool TryAbandonBeforeWrite() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;
}
