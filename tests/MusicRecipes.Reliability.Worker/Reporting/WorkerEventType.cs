namespace MusicRecipes.Reliability.Worker.Reporting;

/// <summary>What a <see cref="WorkerEvent"/> reports.</summary>
internal enum WorkerEventType
{
    /// <summary>Connected to both clusters; the workload starts.</summary>
    Ready,

    /// <summary>The client has a (new) ZooKeeper session: <see cref="WorkerEvent.SessionId"/> and its password.</summary>
    Session,

    /// <summary>One finished operation: <see cref="WorkerEvent.Operation"/>.</summary>
    Operation,

    /// <summary>A hold began: the acquire of <see cref="WorkerEvent.Key"/> was invoked at <see cref="WorkerEvent.InvokedAt"/> and returned with ticket <see cref="WorkerEvent.Ordinal"/> at <see cref="WorkerEvent.At"/>.</summary>
    Acquired,

    /// <summary>The holder read <c>IsHeld == true</c>, just before a critical operation (<see cref="WorkerEvent.At"/> was taken before the read).</summary>
    HeldObserved,

    /// <summary>A critical put of <see cref="WorkerEvent.Value"/> is about to be sent (if the process dies now, it may have landed).</summary>
    PutSending,

    /// <summary>The hold was lost at <see cref="WorkerEvent.At"/> for <see cref="WorkerEvent.Reason"/>.</summary>
    Lost,

    /// <summary>The hold ended: release invoked at <see cref="WorkerEvent.InvokedAt"/>, returned at <see cref="WorkerEvent.At"/>; <see cref="WorkerEvent.Ok"/> says whether it succeeded and <see cref="WorkerEvent.Clean"/> whether the hold was exclusive throughout.</summary>
    Released,

    /// <summary>The workload hit something it does not expect: <see cref="WorkerEvent.Reason"/> (the run treats it as a failure).</summary>
    Error,

    /// <summary>The workload stopped as asked and the client closed its session; nothing follows.</summary>
    Stopped,
}
