using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Hosting;

/// <summary>The hosted leader service behind <see cref="MusicRecipeServiceCollectionExtensions.AddMusicLeaderService"/>.</summary>
internal sealed class DelegateLeaderService(MusicLeaderElection election, IServiceProvider services, Func<IServiceProvider, LeadershipTerm, CancellationToken, Task> work)
    : MusicLeaderService(election)
{
    protected override Task ExecuteAsLeaderAsync(LeadershipTerm term, CancellationToken cancellationToken) => work(services, term, cancellationToken);
}
