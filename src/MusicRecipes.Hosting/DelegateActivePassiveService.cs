using MusicRecipes.Recipes.Failover;

namespace MusicRecipes.Hosting;

/// <summary>The hosted replica behind <see cref="MusicRecipeServiceCollectionExtensions.AddActivePassive{TState}(IMusicBuilder, string, Func{IServiceProvider, ActiveReplicaContext{TState}, CancellationToken, Task}, Action{ActivePassiveOptions}?)"/>.</summary>
internal sealed class DelegateActivePassiveService<TState>(ActivePassiveReplica<TState> replica, IServiceProvider services, Func<IServiceProvider, ActiveReplicaContext<TState>, CancellationToken, Task> work)
    : ActivePassiveService<TState>(replica)
{
    protected override Task ExecuteWhileActiveAsync(ActiveReplicaContext<TState> active, CancellationToken cancellationToken) => work(services, active, cancellationToken);
}
