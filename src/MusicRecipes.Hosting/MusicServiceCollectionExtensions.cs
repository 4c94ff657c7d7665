using Medallion.Threading;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// <see cref="IDistributedLockProvider"/> on it (<see cref="MusicDistributedSynchronizationProvider"/>).
    /// </summary>
    public static IMusicBuilder AddMusic(this IServiceCollection services, Action<MusicOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MusicOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<MusicOptions>, BindMusicConfiguration>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MusicOptions>, ConfiguredBackendSelector>());
        services.TryAddSingleton<InMemoryClusterHolder>();
        services.TryAddSingleton<CassandraConnection>();
        services.TryAddSingleton<ZooKeeperLockConnector>();
        services.TryAddSingleton(CreateClientOptions);
        services.TryAddSingleton(CreateClient);
        services.TryAddSingleton(static sp => new MusicDistributedSynchronizationProvider(sp.GetRequiredService<IMusicClient>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IDistributedLockProvider>(static sp => sp.GetRequiredService<MusicDistributedSynchronizationProvider>());
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
            return new MusicClient(data(services), locks(services), clientOptions, logger);
        }

        // Only when code chose no half: a data store alone must not silently fall back to in-memory locks.
        if (options.DataStoreFactory is null && options.LockStoreFactory is null && string.Equals(options.Backend, "InMemory", StringComparison.OrdinalIgnoreCase))
        {
            var cluster = services.GetRequiredService<InMemoryClusterHolder>().Cluster;
            return cluster.CreateClient(options.InMemory.Site, clientOptions, logger);
        }

        throw new InvalidOperationException(
            options.DataStoreFactory is not null || options.LockStoreFactory is not null
                ? "MUSIC needs both a data store and a lock store: call both UseDataStore (e.g. UseCassandra) and UseLockStore (e.g. UseZooKeeperLocks)."
                : "No MUSIC backend is configured: call UseInMemory (or a backend's Use… method) in AddMusic, or set Music:Backend to InMemory, Cassandra or Cassandra+ZooKeeper.");
    }

    /// <summary>Binds the <c>Music</c> section when the container has a configuration (a host always does).</summary>
    private sealed class BindMusicConfiguration(IServiceProvider services) : IConfigureOptions<MusicOptions>
    {
        public void Configure(MusicOptions options)
        {
            services.GetService<IConfiguration>()?.GetSection(ConfigurationSection).Bind(options);
        }
    }
}
