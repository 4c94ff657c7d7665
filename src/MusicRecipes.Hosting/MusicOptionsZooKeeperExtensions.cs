using Microsoft.Extensions.DependencyInjection;
using MusicRecipes.Locking;

namespace MusicRecipes.Hosting;

/// <summary>Selects ZooKeeper as the CP lock store; combine with a data store such as <see cref="MusicOptionsCassandraExtensions.UseCassandra(MusicOptions, Action{CassandraBackendOptions}?)"/>.</summary>
/// <remarks>
/// The session is opened asynchronously when the host starts (or at the client's first use outside a host), with a wait
/// bounded by <see cref="ZooKeeperBackendOptions.ConnectionTimeout"/>; an unreachable ensemble makes the start-up fail
/// with a <see cref="MusicUnavailableException"/> naming the servers. The client owns the
/// session: disposing the container closes it, so this process's locks are freed at once (a crashed process keeps
/// them until <see cref="ZooKeeperBackendOptions.SessionTimeout"/> expires).
/// </remarks>
/// <example>
/// <code>
/// services.AddMusic(o => o
///     .UseCassandra("10.0.1.1", "10.0.2.1", "10.0.3.1")
///     .UseZooKeeperLocks("zk1:2181,zk2:2181,zk3:2181/music", z => z.SessionTimeout = TimeSpan.FromSeconds(6)));
/// </code>
/// </example>
public static class MusicOptionsZooKeeperExtensions
{
    /// <summary>ZooKeeper locks at <paramref name="connectionString"/> ("host:port,…[/chroot]"); <paramref name="configure"/> changes the rest of <see cref="MusicOptions.ZooKeeper"/>.</summary>
    public static MusicOptions UseZooKeeperLocks(this MusicOptions options, string connectionString, Action<ZooKeeperBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        options.ZooKeeper.ConnectionString = connectionString;
        return options.UseZooKeeperLocks(configure);
    }

    /// <summary>ZooKeeper locks configured by <see cref="MusicOptions.ZooKeeper"/> (bound from <c>Music:ZooKeeper</c>) and <paramref name="configure"/>.</summary>
    public static MusicOptions UseZooKeeperLocks(this MusicOptions options, Action<ZooKeeperBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        configure?.Invoke(options.ZooKeeper);
        return options.UseLockStore(CreateLockStoreAsync, kind: "ZooKeeper");
    }

    internal static async Task<ILockStore> CreateLockStoreAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        await services.GetRequiredService<ZooKeeperLockConnector>().OpenAsync(cancellationToken).ConfigureAwait(false);
}
