namespace MusicRecipes.Recipes.Leader;

/// <summary>
/// A term began (<see cref="MusicLeaderElection.LeadershipAcquired"/>) or ended (<see cref="MusicLeaderElection.LeadershipLost"/>).
/// </summary>
/// <example>
/// <code>
/// election.LeadershipAcquired += (_, e) => logger.LogInformation("leading {Group} with fence {Fence}", e.Term.Group, e.Term.FencingToken.Value);
/// election.LeadershipLost += (_, e) => logger.LogWarning("no longer leading (lost: {Lost})", e.Lost);
/// </code>
/// </example>
public sealed class LeadershipChangedEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    public LeadershipChangedEventArgs(LeadershipTerm term, bool lost)
    {
        ArgumentNullException.ThrowIfNull(term);
        Term = term;
        Lost = lost;
    }

    /// <summary>The term that began or ended.</summary>
    public LeadershipTerm Term { get; }

    /// <summary>
    /// For an ended term: true when leadership was taken away (ticket lost, session Suspended or Lost), false when the
    /// participant stepped down. Always false for <see cref="MusicLeaderElection.LeadershipAcquired"/>.
    /// </summary>
    public bool Lost { get; }
}
