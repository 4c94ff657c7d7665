using Medallion.Threading;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MusicRecipes.Hosting;

/// <summary>Registers MUSIC in a service collection: options, one <see cref="IMusicClient"/> per process, resilience.</summary>
/// <example>
/// <code>
/// var builder = Host.CreateApplicationBuilder(args);
/// builder.Services.AddMusic(o => o.UseInMemory(sites: 3, site: 0))
///     .AddMusicLeaderService("reports", async (sp, term, ct) => await sp.GetRequiredService&lt;Reports&gt;().RunAsync(term.FencingToken.Value, ct));
/// builder.Services.AddHealthChecks().AddMusicHealthChecks();
/// await builder.Build().RunAsync();
/// </code>
/// </example>
public static class MusicServiceCollectionExtensions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string ConfigurationSection = "Music";

    /// <summary>
    /// Adds MUSIC: <see cref="MusicOptions"/> (bound from the <c>Music</c> section of the registered
    /// <see cref="IConfiguration"/>, if any, then <paramref name="configure"/>), a singleton
    /// <see cref="IMusicClient"/> created by the chosen backend and disposed with the container, and DistributedLock's
    /// <see cref="IDistributedLockProvider"/>, <see cref="IDistributedReaderWriterLockProvider"/> and
    /// <see cref="IDistributedSemaphoreProvider"/> on it (<see cref="MusicDistributedSynchronizationProvider"/>).
    /// </summary>
    public static IMusicBuilder AddMusic(this IServiceCollection services, Action<MusicOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MusicOptions>();
        if (services.Any(d => d.ServiceType == typeof(IConfiguration)) && !services.Any(d => d.ServiceType == typeof(MusicConfigurationBound)))
        {
            // A host registers its configuration before user code runs; a bare container has none to bind.
            options.BindConfiguration(ConfigurationSection);
            services.AddSingleton<MusicConfigurationBound>();
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MusicOptions>>(new MusicSettingsValidator<MusicOptions>(new MusicOptionsAttributeValidator(), ConfigurationSection)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MusicOptions>, MusicOptionsRulesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MusicClientStartup>());
        services.TryAddSingleton<InMemoryClusterHolder>();
        services.TryAddSingleton(CreateClientOptions);
        services.TryAddSingleton(CreateClient);
        services.TryAddSingleton(static sp => new MusicDistributedSynchronizationProvider(sp.GetRequiredService<IMusicClient>(), sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IDistributedLockProvider>(static sp => sp.GetRequiredService<MusicDistributedSynchronizationProvider>());
        services.TryAddSingleton<IDistributedReaderWriterLockProvider>(static sp => sp.GetRequiredService<MusicDistributedSynchronizationProvider>());
        services.TryAddSingleton<IDistributedSemaphoreProvider>(static sp => sp.GetRequiredService<MusicDistributedSynchronizationProvider>());
        return new MusicBuilder(services);
    }

    private static MusicClientOptions CreateClientOptions(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<MusicOptions>>().Value;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        return new MusicClientOptions
        {
            HoldLease = options.HoldLease,
            ClockSkewAllowance = options.ClockSkewAllowance,
            MaxValueBytes = options.MaxValueBytes,
            Resilience = MusicResiliencePipeline.Create(options.Resilience, loggerFactory.CreateLogger("MusicRecipes.Resilience")),
            TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System,
        };
    }

    private static IMusicClient CreateClient(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<MusicOptions>>().Value;
        var clientOptions = services.GetRequiredService<MusicClientOptions>();
        var logger = services.GetService<ILogger<MusicClient>>();
        if (options.ClientFactory is { } factory)
        {
            return factory(services, clientOptions);
        }

        if (options.DataStoreFactory is { } data && options.LockStoreFactory is { } locks)
        {
            // Connected asynchronously by MusicClientStartup (or the first call), never here: DI factories must not block.
            var siteHint = options.DataStoreSiteHint?.Invoke(services);
            return new ConnectingMusicClient(
                async ct =>
                {
                    var dataStore = await data(services, ct).ConfigureAwait(false);
                    var lockStore = await locks(services, ct).ConfigureAwait(false);
                    return new MusicClient(dataStore, lockStore, clientOptions, logger);
                },
                siteHint);
        }

        // Only when chosen: a data store alone must not silently fall back to in-memory locks.
        if (options.InMemoryChosen)
        {
            var cluster = services.GetRequiredService<InMemoryClusterHolder>().Cluster;
            return cluster.CreateClient(options.InMemory.Site, clientOptions, logger);
        }

        throw new InvalidOperationException(
            options.DataStoreFactory is not null || options.LockStoreFactory is not null
                ? "MUSIC needs both a data store and a lock store: call both UseDataStore (e.g. UseCassandra) and UseLockStore (e.g. UseZooKeeperLocks)."
                : "No MUSIC backend is configured: call AddMusic(o => o.UseInMemory()) for the embedded backend, or a backend package's Use… method (AddMusic().UseCassandra().UseZooKeeperLocks()).");
    }

    /// <summary>Marks that the <c>Music</c> section is bound already (AddMusic may be called more than once).</summary>
    private sealed class MusicConfigurationBound;
}
