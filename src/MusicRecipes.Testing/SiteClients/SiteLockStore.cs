using MusicRecipes.Locking;

namespace MusicRecipes.Testing.SiteClients;

/// <summary>
/// A lock store a <see cref="SiteClientBuilder"/> opened through a client's lock links, with the two ways to let go of
/// it: <see cref="Abandon"/> for a crashed client (stop its background work, say no goodbye) and
/// <see cref="Connection"/>, what the store does not close itself (disposed after the client).
/// </summary>
/// <param name="Store">The lock store, undecorated.</param>
/// <param name="Abandon">Stops the store's reconnects and renewals without releasing anything first.</param>
/// <param name="Connection">The connection the store runs on and does not own, or <see langword="null"/>.</param>
internal sealed record SiteLockStore(ILockStore Store, Func<ValueTask> Abandon, IAsyncDisposable? Connection);
