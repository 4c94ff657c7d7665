using MusicRecipes.Recipes.Failover;

namespace MusicRecipes.Hosting;

/// <summary>The hosted replica behind <see cref="MusicRecipeServiceCollectionExtensions.AddMusicActivePassive{TState}(IMusicBuilder, string, Func{IServiceProvider, ActiveReplicaContext{TState}, CancellationToken, Task}, Action{MusicActivePassiveOptions}?)"/>.</summary>
internal sealed class DelegateActivePassiveService<TState>(MusicActivePassiveReplica<TState> replica, IServiceProvider services, Func<IServiceProvider, ActiveReplicaContext<TState>, CancellationToken, Task> work)
    : MusicActivePassiveService<TState>(replica)
{
    protected override Task ExecuteWhileActiveAsync(ActiveReplicaContext<TState> active, CancellationToken cancellationToken) => work(services, active, cancellationToken);
}
