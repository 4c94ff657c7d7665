using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MusicRecipes.Locking;

namespace MusicRecipes.Hosting;

/// <summary>
/// Selects ZooKeeper as the CP lock store, with settings from the configuration section <c>Music:ZooKeeper</c>
/// (<see cref="ZooKeeperBackendOptions"/>), then the configure delegate (code wins); combine with a data store such as
/// <c>UseCassandra</c> (package MusicRecipes.Hosting.Cassandra).
/// </summary>
/// <remarks>
/// The session is opened asynchronously when the host starts (or at the client's first use outside a host), with a wait
/// bounded by <see cref="ZooKeeperBackendOptions.ConnectionTimeout"/>; an unreachable ensemble makes the start-up fail
/// with a <see cref="MusicUnavailableException"/> naming the servers. The client owns the
/// session: disposing the container closes it, so this process's locks are freed at once (a crashed process keeps
/// them until <see cref="ZooKeeperBackendOptions.SessionTimeout"/> expires). Bad settings fail the host's start with an
/// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming them.
/// </remarks>
/// <example>
/// <code>
/// services.AddMusic()
///     .UseCassandra("10.0.1.1", "10.0.2.1", "10.0.3.1")
///     .UseZooKeeperLocks("zk1:2181,zk2:2181,zk3:2181/music", z => z.SessionTimeout = TimeSpan.FromSeconds(6));
/// </code>
/// </example>
public static class MusicBuilderZooKeeperExtensions
{
    /// <summary>The configuration section of <see cref="ZooKeeperBackendOptions"/>.</summary>
    public const string ConfigurationSection = MusicServiceCollectionExtensions.ConfigurationSection + ":ZooKeeper";

    /// <summary>ZooKeeper locks at <paramref name="connectionString"/> ("host:port,…[/chroot]"); <paramref name="configure"/> changes the rest of <see cref="ZooKeeperBackendOptions"/>.</summary>
    public static IMusicBuilder UseZooKeeperLocks(this IMusicBuilder builder, string connectionString, Action<ZooKeeperBackendOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseZooKeeperLocks(z =>
        {
            z.ConnectionString = connectionString;
            configure?.Invoke(z);
        });
    }

    /// <summary>ZooKeeper locks configured by <see cref="ZooKeeperBackendOptions"/> (bound from <c>Music:ZooKeeper</c>) and <paramref name="configure"/>.</summary>
    public static IMusicBuilder UseZooKeeperLocks(this IMusicBuilder builder, Action<ZooKeeperBackendOptions>? configure = null)
    {
        if (builder.AddBackendSettings(ConfigurationSection, new ZooKeeperBackendOptionsAttributeValidator(), new ZooKeeperBackendOptionsRulesValidator(), configure))
        {
            builder.Services.TryAddSingleton<ZooKeeperLockConnector>();

            // The connector itself is the probe: it is not disposable, so a second registration disposes nothing twice.
            builder.Services.AddSingleton<IMusicBackendProbe>(static sp => sp.GetRequiredService<ZooKeeperLockConnector>());
        }

        builder.Services.Configure<MusicOptions>(o => o.UseLockStore(CreateLockStoreAsync));
        return builder;
    }

    private static async Task<ILockStore> CreateLockStoreAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        await services.GetRequiredService<ZooKeeperLockConnector>().OpenAsync(cancellationToken).ConfigureAwait(false);
}
