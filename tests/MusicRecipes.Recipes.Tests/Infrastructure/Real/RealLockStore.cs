using MusicRecipes.Locking;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>A client's lock store on a real lock service, and what else it owns (disposed after the client).</summary>
public sealed record RealLockStore(ILockStore Store, IReadOnlyList<IAsyncDisposable> Owned);
