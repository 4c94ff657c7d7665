using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MusicRecipes.Tls;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Hosting;

/// <summary>
/// Opens the host's ZooKeeper lock store asynchronously: creates the chroot if the connection string has one (ZooKeeper
/// does not), starts a session and waits for it with a bounded wait, so an unreachable ensemble fails at start-up. The store
/// owns its client, so disposing the <see cref="IMusicClient"/> closes the session and frees its locks at once.
/// It remembers the store to report its session to the health check.
/// </summary>
internal sealed class ZooKeeperLockConnector(IOptions<ZooKeeperBackendOptions> options, ILoggerFactory? loggerFactory = null) : IMusicBackendProbe
{
    private ZooKeeperLockStore? _store;

    public async Task<ZooKeeperLockStore> OpenAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException("The ZooKeeper lock store needs a connection string: set Music:ZooKeeper:ConnectionString or call UseZooKeeperLocks(\"zk1:2181,zk2:2181,zk3:2181\").");
        }

        var connect = settings.ConnectionString;
        var parsed = ZooKeeperConnectionString.Parse(connect);
        var clientOptions = new ZooKeeperClientOptions
        {
            ConnectionString = connect,
            SessionTimeout = settings.SessionTimeout,
            ConnectionTimeout = settings.ConnectionTimeout,
            Logger = loggerFactory?.CreateLogger<ZooKeeperClient>(),
            Tls = settings.Tls.ToClientOptions("Music:ZooKeeper:Tls"), // before the bounded connect: an unreadable file is a configuration error, not "unavailable"
        };
        settings.AddAuthTo(clientOptions);
        var store = await MusicBackendConnect.RunAsync(
            async ct =>
            {
                if (parsed.Chroot is { } chroot)
                {
                    await EnsureChrootAsync(connect, chroot, settings, clientOptions.Tls, ct).ConfigureAwait(false);
                }

                var locks = ZooKeeperLockStore.Create(clientOptions, new ZooKeeperLockStoreOptions { RootPath = settings.RootPath });
                try
                {
                    await locks.Client.WaitUntilConnectedAsync(ct).ConfigureAwait(false);
                    return locks;
                }
                catch
                {
                    await locks.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            settings.ConnectionTimeout,
            ex => $"Could not open a ZooKeeper session at {connect} within {settings.ConnectionTimeout.TotalSeconds:0.#} s: {ex.Message}",
            static ex => ex is AuthFailedException or ZooKeeperTlsException,
            cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _store, store);
        return store;
    }

    public void Describe(IDictionary<string, object> data)
    {
        if (Volatile.Read(ref _store) is not { } store)
        {
            return;
        }

        data["zookeeper.state"] = store.Client.ConnectionState.ToString();
        data["zookeeper.session"] = ZooKeeperLockStore.FormatSessionId(store.Client.SessionId);
        if (store.Client.ConnectedServer is { } server)
        {
            data["zookeeper.server"] = $"{server.Host}:{server.Port}";
        }
    }

    public string? Degradation() => null;

    /// <summary>The chroot must exist before a client rooted in it can create anything.</summary>
    private static async Task EnsureChrootAsync(string connect, string chroot, ZooKeeperBackendOptions settings, TlsClientOptions? tls, CancellationToken cancellationToken)
    {
        var servers = connect[..connect.IndexOf('/', StringComparison.Ordinal)];
        var rootOptions = new ZooKeeperClientOptions { ConnectionString = servers, SessionTimeout = settings.SessionTimeout, ConnectionTimeout = settings.ConnectionTimeout, Tls = tls };
        settings.AddAuthTo(rootOptions);
        await using var root = await ZooKeeperClient.ConnectAsync(rootOptions, cancellationToken).ConfigureAwait(false);
        await root.EnsurePathAsync(chroot, cancellationToken).ConfigureAwait(false);
    }
}
