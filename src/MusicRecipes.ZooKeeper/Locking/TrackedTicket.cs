using System.Collections.Concurrent;
using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// What the store keeps for a ticket of its own: the watcher on the ticket's own nodes (their deletion by someone
/// else is a forced release; the session's end is an expiry) and the one-shot signal a waiter awaits, completed by
/// the watcher set on a predecessor. Both watchers are one delegate instance per ticket, so setting the same
/// watch again while waiting does not pile up callbacks. A deletion we did not make is handed to the store to
/// judge: when a session is closed the server deletes its ephemerals — and notifies — before it refuses the
/// session, so the deletion alone does not tell a forced release from an expiry.
/// </summary>
internal sealed class TrackedTicket
{
    private readonly object _gate = new();
    private TaskCompletionSource _change = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<TrackedTicket> _deletedByOther;
    private readonly ConcurrentDictionary<string, byte> _prerecordsTaken = new(StringComparer.Ordinal);
    private int _removedByOwner;
    private int _headTaken;

    public TrackedTicket(LockTicket ticket, Action<TrackedTicket> deletedByOther)
    {
        Ticket = ticket;
        _deletedByOther = deletedByOther;
        OwnNodeWatcher = OnOwnNodeEvent;
        PredecessorWatcher = _ => SignalChange();
    }

    public LockTicket Ticket { get; }

    /// <summary>Per key, the state and version this store's record of the ticket's acquisition left (for a one-step clean release).</summary>
    public ConcurrentDictionary<string, VersionedKeyState> Recorded { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// What a recording enqueue (<see cref="ZooKeeperRecordingEnqueue"/>) already did for this ticket: the first head
    /// check and, per key, the first record are answered from it without a request (each once).
    /// </summary>
    public RecordingEnqueueOutcome? Prerecorded { get; init; }

    public Action<WatchedEvent> OwnNodeWatcher { get; }

    public Action<WatchedEvent> PredecessorWatcher { get; }

    public bool RemovedByOwner => Volatile.Read(ref _removedByOwner) != 0;

    /// <summary>The head check the recording enqueue stands for, the first time it is asked; null after that or without one.</summary>
    public HeadCheck? TakePrerecordedHead() =>
        Prerecorded is { } done && Interlocked.Exchange(ref _headTaken, 1) == 0 ? done.Head : null;

    /// <summary>
    /// The state the recording enqueue left on <paramref name="key"/>, the first time a record over the state it read
    /// (<paramref name="expectedVersion"/>) is asked for; null otherwise, and the caller records the normal way.
    /// </summary>
    public VersionedKeyState? TakePrerecord(string key, long expectedVersion) =>
        Prerecorded is { } done && done.Prerecords.TryGetValue(key, out var made) && made.RecordedOver == expectedVersion
            && _prerecordsTaken.TryAdd(key, 0)
            ? made.Left
            : null;

    public void MarkRemovedByOwner() => Volatile.Write(ref _removedByOwner, 1);

    /// <summary>The signal the next change completes (a fresh one once the previous has fired).</summary>
    public Task ArmChange()
    {
        lock (_gate)
        {
            if (_change.Task.IsCompleted)
            {
                _change = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _change.Task;
        }
    }

    public void SignalChange()
    {
        lock (_gate)
        {
            _change.TrySetResult();
        }
    }

    private void OnOwnNodeEvent(WatchedEvent e)
    {
        switch (e.Type)
        {
            case WatchEventType.NodeDeleted when !RemovedByOwner:
                _deletedByOther(this);
                break;
            case WatchEventType.SessionExpired:
                Ticket.SignalLost(LockLossReason.SessionExpired);
                break;
            case WatchEventType.ClientClosed when !RemovedByOwner:
                Ticket.SignalLost(LockLossReason.ClientClosed);
                break;
        }

        SignalChange();
    }
}
