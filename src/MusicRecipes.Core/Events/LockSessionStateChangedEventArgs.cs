namespace MusicRecipes;

/// <summary>A change of a lock session's <see cref="LockSessionState"/>, as <see cref="IMusicClient.SessionStateChanged"/> reports it.</summary>
/// <example>
/// <code>
/// client.SessionStateChanged += (_, e) => logger.LogInformation("MUSIC session {Previous} -> {State}", e.Previous, e.State);
/// </code>
/// </example>
public sealed class LockSessionStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    public LockSessionStateChangedEventArgs(LockSessionState previous, LockSessionState state)
    {
        Previous = previous;
        State = state;
    }

    /// <summary>The state reported before this change.</summary>
    public LockSessionState Previous { get; }

    /// <summary>The new state.</summary>
    public LockSessionState State { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Previous} -> {State}";
}
