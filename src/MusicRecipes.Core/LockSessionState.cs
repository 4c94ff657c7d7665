namespace MusicRecipes;

/// <summary>
/// The state of a client's session with the lock service, named as Apache Curator names its connection states.
/// </summary>
public enum LockSessionState
{
    /// <summary>Not yet connected.</summary>
    Latent,

    /// <summary>Connected; held locks are valid.</summary>
    Connected,

    /// <summary>
    /// The connection is lost but the session may still be alive. Held locks may be lost at any moment: a holder
    /// should pause work that must not run twice. Critical writes stay safe (fencing timestamps) either way.
    /// </summary>
    Suspended,

    /// <summary>Connection re-established within the session timeout; held locks survived.</summary>
    Reconnected,

    /// <summary>The session expired: every ticket of the session is gone and its <see cref="LockRef.LostToken"/> fired.</summary>
    Lost,

    /// <summary>The client was disposed.</summary>
    Closed,
}
