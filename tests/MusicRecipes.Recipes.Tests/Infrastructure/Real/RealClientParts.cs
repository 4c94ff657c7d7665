using MusicRecipes.Cql;
using MusicRecipes.Testing.Network;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>One client of <see cref="ZooKeeperCassandraRecipeBackend"/> and the links it reaches the servers through.</summary>
internal sealed class RealClientParts(IMusicClient client, int site, ZooKeeperLockStore locks, CqlSession session, TcpFaultProxy lockProxy, TcpFaultProxy dataProxy) : IAsyncDisposable
{
    public IMusicClient Client { get; } = client;

    public int Site { get; } = site;

    public ZooKeeperLockStore Locks { get; } = locks;

    public TcpFaultProxy LockProxy { get; } = lockProxy;

    public TcpFaultProxy DataProxy { get; } = dataProxy;

    public bool Crashed { get; set; }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await session.DisposeAsync();
        await LockProxy.DisposeAsync();
        await DataProxy.DisposeAsync();
    }
}
