namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// One participant counted in a <see cref="MusicDoubleBarrier"/> round: its id (a label for people) and the
/// token of the membership it holds (<see cref="BarrierMembership"/>), which is what makes it count — a participant
/// whose membership ticket is gone no longer does, even if a new instance with the same id joins.
/// </summary>
/// <param name="Id">The participant id.</param>
/// <param name="Token">The membership's token, unique to one join; it names the member key whose lock is the membership.</param>
internal sealed record DoubleBarrierMember(string Id, string Token);
