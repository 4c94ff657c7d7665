namespace MusicRecipes.Recipes.Leader;

/// <summary>
/// One participant of an election as <see cref="MusicLeaderElection.GetParticipantsAsync"/> reads it from the lock service:
/// the leader first, then the others in the order they will lead.
/// </summary>
/// <param name="ParticipantId">The participant's <see cref="MusicLeaderElection.ParticipantId"/>.</param>
/// <param name="IsLeader">True for the participant whose ticket holds the group's lock.</param>
/// <param name="LeadingSince">When the leader acquired the group's lock (lock service's clock); <c>null</c> for the others.</param>
/// <param name="TicketId">The participant's current ticket.</param>
/// <param name="SessionId">The lock-service session of the participant's client.</param>
/// <param name="Site">The participant's site when known (participants of the reading client); else <c>null</c>.</param>
public sealed record ElectionParticipant(string ParticipantId, bool IsLeader, DateTimeOffset? LeadingSince, string TicketId, string SessionId, string? Site);
