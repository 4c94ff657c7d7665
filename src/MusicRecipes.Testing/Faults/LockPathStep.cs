namespace MusicRecipes.Testing.Faults;

/// <summary>A step of the lock path at which a <see cref="PausableLockStore"/> can stop its client.</summary>
public enum LockPathStep
{
    /// <summary>The head check found the ticket first in every queue; the client has not recorded its acquisition yet.</summary>
    AfterHeadCheck,

    /// <summary>The client asked the lock service to release (its last put is done); the request is not sent yet.</summary>
    BeforeRelease,

    /// <summary>
    /// After an acquisition was recorded, before the reply reaches the client — which, once resumed, is told the call
    /// timed out (<see cref="MusicTimeoutException"/>): a reply lost in the network, so the client retries.
    /// </summary>
    AfterRecordReplyLost,
}
