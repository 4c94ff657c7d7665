namespace MusicRecipes.Locking;

/// <summary>
/// Implemented by an <see cref="ILockStore"/> that reports changes of its session's state as they happen, so
/// <see cref="MusicClient"/> can raise <see cref="IMusicClient.SessionStateChanged"/> and nobody needs to poll
/// <see cref="ILockStore.SessionState"/>. Every lock store of this repository implements it; a store that does not
/// still works, but its client raises no state events.
/// </summary>
/// <remarks>
/// Handlers run one at a time, in the order of the changes, never on the caller's thread and never under a store lock
/// (<see cref="LockSessionStateNotifier"/> does this for an implementation). Changes that follow each other quickly may
/// be reported as one: the last event always carries the state the store is in.
/// </remarks>
/// <example>
/// <code>
/// if (lockStore is ILockSessionEvents events)
/// {
///     events.SessionStateChanged += (_, e) => Console.WriteLine($"lock session: {e}");
/// }
/// </code>
/// </example>
public interface ILockSessionEvents
{
    /// <summary>The session's current state.</summary>
    LockSessionState SessionState { get; }

    /// <summary>Raised after <see cref="SessionState"/> changed.</summary>
    event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged;
}
