using System.Diagnostics;

namespace MusicRecipes;

/// <summary>A change of a lock session's <see cref="LockSessionState"/>, as <see cref="IMusicClient.SessionStateChanged"/> reports it.</summary>
/// <example>
/// <code>
/// client.SessionStateChanged += (_, e) => logger.LogInformation("MUSIC session {Previous} -> {State}", e.Previous, e.State);
/// </code>
/// </example>
public sealed class LockSessionStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the event arguments for a change observed now.</summary>
    public LockSessionStateChangedEventArgs(LockSessionState previous, LockSessionState state)
    {
        Previous = previous;
        State = state;
        ObservedTimestamp = Stopwatch.GetTimestamp();
        ObservedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The state reported before this change.</summary>
    public LockSessionState Previous { get; }

    /// <summary>The new state.</summary>
    public LockSessionState State { get; }

    /// <summary>When the change was observed (events are delivered after it, possibly later under load).</summary>
    public DateTimeOffset ObservedAt { get; }

    /// <summary>
    /// When the change was observed, as a <see cref="Stopwatch"/> timestamp: the state really was <see cref="State"/> at
    /// that moment. A holder ignores events observed before its hold began (they may arrive after it).
    /// </summary>
    public long ObservedTimestamp { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Previous} -> {State}";
}
