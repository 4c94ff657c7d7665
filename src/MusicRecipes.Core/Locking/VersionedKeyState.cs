namespace MusicRecipes.Locking;

/// <summary>
/// A key's <see cref="KeyLockState"/> as one strong read saw it, with the lock store's version of that state, so the
/// new holder can record its acquisition with one compare-and-set (<see cref="ILockStore.TryRecordAcquiredAsync"/>)
/// instead of reading the state again.
/// </summary>
/// <param name="State">What the lock store remembers of the key.</param>
/// <param name="Version">
/// The store's version of <paramref name="State"/>: opaque to callers, meaningful only to the store that read it
/// (ZooKeeper: the key node's data version; in-memory: a per-key counter; Cassandra: the last acquired ordinal).
/// </param>
public sealed record VersionedKeyState(KeyLockState State, long Version);
