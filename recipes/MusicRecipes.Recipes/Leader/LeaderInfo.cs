namespace MusicRecipes.Recipes.Leader;

/// <summary>
/// What a leader publishes about itself (a critical put to the group's key when its term begins), so observers can
/// see who leads. Read with <see cref="MusicLeaderElection.GetLeaderAsync"/>.
/// </summary>
/// <param name="ParticipantId">The leader's participant id.</param>
/// <param name="Site">The site of the leader's client.</param>
/// <param name="FencingToken">The term's fencing token value; larger means a later term.</param>
/// <param name="Since">When the term began (the leader's clock).</param>
public sealed record LeaderInfo(string ParticipantId, string Site, long FencingToken, DateTimeOffset Since);
