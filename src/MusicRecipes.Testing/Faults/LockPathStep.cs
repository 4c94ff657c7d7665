namespace MusicRecipes.Testing.Faults;

/// <summary>A step of the lock path at which a <see cref="PausableLockStore"/> can stop its client.</summary>
public enum LockPathStep
{
    /// <summary>The head check found the ticket first in every queue; the client has not recorded its acquisition yet.</summary>
    AfterHeadCheck,

    /// <summary>The client asked the lock service to release (its last put is done); the request is not sent yet.</summary>
    BeforeRelease,
}
