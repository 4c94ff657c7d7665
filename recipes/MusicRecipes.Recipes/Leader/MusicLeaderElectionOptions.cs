namespace MusicRecipes.Recipes.Leader;

/// <summary>Options of a <see cref="MusicLeaderElection"/>.</summary>
/// <example>
/// <code>
/// var election = new MusicLeaderElection(client, "billing", new MusicLeaderElectionOptions { ParticipantId = Environment.MachineName });
/// </code>
/// </example>
public sealed class MusicLeaderElectionOptions
{
    /// <summary>
    /// This participant's id, published while it leads and listed by <see cref="MusicLeaderElection.GetParticipantsAsync"/>.
    /// At most 100 characters, no '/' and no control characters. Default: the client's site and a random suffix.
    /// </summary>
    public string? ParticipantId { get; set; }

    /// <summary>
    /// Keys locked together with the group's key for the whole term, so the leader may read and write them with
    /// critical operations (<see cref="LeadershipTerm.GetAsync"/>). Active-passive failover keeps its state here.
    /// </summary>
    public IReadOnlyList<string> ProtectedKeys { get; set; } = Array.Empty<string>();

    /// <summary>First delay before re-entering the election after a backend failure; doubles up to <see cref="MaxRetryDelay"/>. Default 50 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Largest delay between retries. Default 2 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock of the recipe's delays and timestamps (for example a fake one in tests). Default <see cref="TimeProvider.System"/>; a host passes the container's.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(ProtectedKeys, nameof(ProtectedKeys));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, RetryDelay, nameof(MaxRetryDelay));
    }
}
