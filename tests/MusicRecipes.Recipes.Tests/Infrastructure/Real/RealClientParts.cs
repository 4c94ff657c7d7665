using MusicRecipes.Locking;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>
/// One client of a <see cref="RealRecipeBackend"/>, its lock store, the links it reaches the servers through, and what
/// else it owns (its sessions to the servers), disposed after the client.
/// </summary>
public sealed class RealClientParts(IMusicClient client, int site, ILockStore locks, IReadOnlyList<IAsyncDisposable> owned, TcpFaultProxy lockProxy, TcpFaultProxy dataProxy) : IAsyncDisposable
{
    public IMusicClient Client { get; } = client;

    public ILockStore Locks { get; } = locks;

    public int Site { get; } = site;

    public TcpFaultProxy LockProxy { get; } = lockProxy;

    public TcpFaultProxy DataProxy { get; } = dataProxy;

    public bool Crashed { get; set; }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        foreach (var resource in owned)
        {
            await resource.DisposeAsync();
        }

        await LockProxy.DisposeAsync();
        await DataProxy.DisposeAsync();
    }
}
