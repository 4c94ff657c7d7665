using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MusicRecipes.Recipes.Barriers;
using MusicRecipes.Recipes.Failover;
using MusicRecipes.Recipes.Leader;
using MusicRecipes.Recipes.Locks;
using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Hosting;

/// <summary>
/// One <c>Add…</c> per recipe. Recipes are keyed singletons (resolve them with
/// <c>[FromKeyedServices("name")]</c> or <c>GetRequiredKeyedService</c>) over the process's <see cref="IMusicClient"/>;
/// the hosted forms run as <see cref="IHostedService"/>s. Every recipe gets the container's <see cref="TimeProvider"/>
/// (when one is registered) for its delays and timestamps.
/// </summary>
/// <example>
/// <code>
/// services.AddMusic(o => o.UseInMemory())
///     .AddMusicMutex("inventory", "stock:apples", "stock:pears")
///     .AddMusicLeaderService&lt;ReportScheduler&gt;("reports")
///     .AddMusicActivePassive&lt;long&gt;("meter", async (sp, active, ct) => { /* ... */ })
///     .AddMusicWorkQueueWorker("templates", async (sp, item, fence, ct) => WorkItemOutcome.Completed);
/// var mutex = provider.GetRequiredKeyedService&lt;MusicMutex&gt;("inventory");
/// </code>
/// </example>
public static class MusicRecipeServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="MusicMutex"/> over <paramref name="keys"/>, keyed by <paramref name="name"/>.</summary>
    public static IMusicBuilder AddMusicMutex(this IMusicBuilder builder, string name, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(keys);
        builder.Services.AddKeyedSingleton(name, (sp, _) => new MusicMutex(sp.GetRequiredService<IMusicClient>(), keys, sp.GetService<ILogger<MusicMutex>>()));
        return builder;
    }

    /// <summary>Registers this process as a participant of election <paramref name="group"/>, keyed by the group.</summary>
    public static IMusicBuilder AddMusicLeaderElection(this IMusicBuilder builder, string group, Action<MusicLeaderElectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton(group, (sp, _) =>
        {
            var options = new MusicLeaderElectionOptions { TimeProvider = Clock(sp) };
            configure?.Invoke(options);
            return new MusicLeaderElection(sp.GetRequiredService<IMusicClient>(), group, options, sp.GetService<ILogger<MusicLeaderElection>>());
        });
        return builder;
    }

    /// <summary>
    /// Runs <typeparamref name="TService"/> (a <see cref="MusicLeaderService"/>) as a hosted service taking part in
    /// election <paramref name="group"/>; its constructor receives the group's <see cref="MusicLeaderElection"/>.
    /// </summary>
    public static IMusicBuilder AddMusicLeaderService<TService>(this IMusicBuilder builder, string group, Action<MusicLeaderElectionOptions>? configure = null)
        where TService : MusicLeaderService
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddMusicLeaderElection(group, configure);
        builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TService>(sp, sp.GetRequiredKeyedService<MusicLeaderElection>(group)));
        return builder;
    }

    /// <summary>Runs <paramref name="leaderWork"/> as a hosted service while this process leads <paramref name="group"/>.</summary>
    public static IMusicBuilder AddMusicLeaderService(this IMusicBuilder builder, string group, Func<IServiceProvider, LeadershipTerm, CancellationToken, Task> leaderWork, Action<MusicLeaderElectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(leaderWork);
        builder.AddMusicLeaderElection(group, configure);
        builder.Services.AddSingleton<IHostedService>(sp => new DelegateLeaderService(sp.GetRequiredKeyedService<MusicLeaderElection>(group), sp, leaderWork));
        return builder;
    }

    /// <summary>Registers a replica of active-passive <paramref name="service"/>, keyed by the service name.</summary>
    public static IMusicBuilder AddMusicActivePassiveReplica<TState>(this IMusicBuilder builder, string service, Action<MusicActivePassiveOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton(service, (sp, _) =>
        {
            var options = new MusicActivePassiveOptions();
            options.Election.TimeProvider = Clock(sp);
            configure?.Invoke(options);
            return new MusicActivePassiveReplica<TState>(sp.GetRequiredService<IMusicClient>(), service, options, sp.GetService<ILogger<MusicActivePassiveReplica<TState>>>());
        });
        return builder;
    }

    /// <summary>Runs <paramref name="activeWork"/> as a hosted service while this process is the active replica of <paramref name="service"/>.</summary>
    public static IMusicBuilder AddMusicActivePassive<TState>(this IMusicBuilder builder, string service, Func<IServiceProvider, ActiveReplicaContext<TState>, CancellationToken, Task> activeWork, Action<MusicActivePassiveOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(activeWork);
        builder.AddMusicActivePassiveReplica<TState>(service, configure);
        builder.Services.AddSingleton<IHostedService>(sp => new DelegateActivePassiveService<TState>(sp.GetRequiredKeyedService<MusicActivePassiveReplica<TState>>(service), sp, activeWork));
        return builder;
    }

    /// <summary>Runs <typeparamref name="TService"/> (an <see cref="MusicActivePassiveService{TState}"/>) as a hosted replica of <paramref name="service"/>.</summary>
    public static IMusicBuilder AddMusicActivePassive<TState, TService>(this IMusicBuilder builder, string service, Action<MusicActivePassiveOptions>? configure = null)
        where TService : MusicActivePassiveService<TState>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddMusicActivePassiveReplica<TState>(service, configure);
        builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TService>(sp, sp.GetRequiredKeyedService<MusicActivePassiveReplica<TState>>(service)));
        return builder;
    }

    /// <summary>Registers a <see cref="MusicBarrier"/>, keyed by <paramref name="name"/>.</summary>
    public static IMusicBuilder AddMusicBarrier(this IMusicBuilder builder, string name, Action<MusicBarrierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton(name, (sp, _) => new MusicBarrier(sp.GetRequiredService<IMusicClient>(), name, Configure(sp, configure), sp.GetService<ILogger<MusicBarrier>>()));
        return builder;
    }

    /// <summary>Registers this process as a participant of a <see cref="MusicDoubleBarrier"/>, keyed by <paramref name="name"/>.</summary>
    public static IMusicBuilder AddMusicDoubleBarrier(this IMusicBuilder builder, string name, int memberCount, Action<MusicBarrierOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton(name, (sp, _) => new MusicDoubleBarrier(sp.GetRequiredService<IMusicClient>(), name, memberCount, Configure(sp, configure), sp.GetService<ILogger<MusicDoubleBarrier>>()));
        return builder;
    }

    /// <summary>Registers a <see cref="MusicWorkQueue"/> (producer and worker) for queue <paramref name="queue"/>, keyed by its name.</summary>
    public static IMusicBuilder AddMusicWorkQueue(this IMusicBuilder builder, string queue, Action<MusicWorkQueueOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton(queue, (sp, _) =>
        {
            var options = new MusicWorkQueueOptions { TimeProvider = Clock(sp) };
            configure?.Invoke(options);
            return new MusicWorkQueue(sp.GetRequiredService<IMusicClient>(), queue, options, sp.GetService<ILogger<MusicWorkQueue>>());
        });
        return builder;
    }

    /// <summary>
    /// Runs <paramref name="workers"/> hosted <see cref="MusicWorkQueueWorker"/>s on queue <paramref name="queue"/>
    /// (registering the queue if needed); each runs <paramref name="handler"/> on one claimed item at a time.
    /// </summary>
    public static IMusicBuilder AddMusicWorkQueueWorker(this IMusicBuilder builder, string queue, Func<IServiceProvider, WorkItem, FencingToken, CancellationToken, Task<WorkItemOutcome>> handler, int workers = 1, Action<MusicWorkQueueOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (!builder.Services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, queue) && d.ServiceType == typeof(MusicWorkQueue)))
        {
            builder.AddMusicWorkQueue(queue, configure);
        }

        for (var i = 0; i < workers; i++)
        {
            builder.Services.AddSingleton<IHostedService>(sp => new MusicWorkQueueWorker(
                sp.GetRequiredKeyedService<MusicWorkQueue>(queue),
                (item, fence, ct) => handler(sp, item, fence, ct),
                sp.GetService<ILogger<MusicWorkQueueWorker>>()));
        }

        return builder;
    }

    /// <summary>
    /// Runs <paramref name="workers"/> hosted <see cref="MusicWorkQueueWorker"/>s on queue <paramref name="queue"/> with a
    /// typed handler: <typeparamref name="THandler"/> is resolved from a DI scope of its own for every item (register it
    /// yourself to choose its lifetime; it is added as scoped otherwise), and the scope is disposed when the item is done.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddMusic(o => o.UseInMemory()).AddMusicWorkQueueWorker&lt;PlacementHandler&gt;("templates", workers: 2);
    /// </code>
    /// </example>
    public static IMusicBuilder AddMusicWorkQueueWorker<THandler>(this IMusicBuilder builder, string queue, int workers = 1, Action<MusicWorkQueueOptions>? configure = null)
        where THandler : class, IWorkItemHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        builder.Services.TryAddScoped<THandler>();
        if (!builder.Services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, queue) && d.ServiceType == typeof(MusicWorkQueue)))
        {
            builder.AddMusicWorkQueue(queue, configure);
        }

        for (var i = 0; i < workers; i++)
        {
            builder.Services.AddSingleton<IHostedService>(sp => new MusicWorkQueueWorker(
                sp.GetRequiredKeyedService<MusicWorkQueue>(queue),
                async (context, ct) =>
                {
                    var scope = sp.CreateAsyncScope();
                    await using (scope.ConfigureAwait(false))
                    {
                        return await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(context, ct).ConfigureAwait(false);
                    }
                },
                sp.GetService<ILogger<MusicWorkQueueWorker>>()));
        }

        return builder;
    }

    /// <summary>The container's clock (a registered <see cref="TimeProvider"/>, else the system's), given to every recipe.</summary>
    private static TimeProvider Clock(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;

    private static MusicBarrierOptions Configure(IServiceProvider services, Action<MusicBarrierOptions>? configure)
    {
        var options = new MusicBarrierOptions { TimeProvider = Clock(services) };
        configure?.Invoke(options);
        return options;
    }
}
