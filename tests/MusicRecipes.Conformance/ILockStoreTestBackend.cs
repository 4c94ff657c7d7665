using MusicRecipes.Locking;

namespace MusicRecipes.Conformance;

/// <summary>What <see cref="LockStoreConformanceTests"/> needs from a lock store: new sessions, and a way to expire one.</summary>
public interface ILockStoreTestBackend
{
    /// <summary>A new lock-store session; the suite disposes it.</summary>
    Task<ILockStore> CreateStoreAsync();

    /// <summary>Ends <paramref name="store"/>'s session from outside, as the lock service does when it stops hearing from it.</summary>
    Task ExpireSessionAsync(ILockStore store);
}
