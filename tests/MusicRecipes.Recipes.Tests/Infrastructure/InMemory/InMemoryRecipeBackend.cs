using MusicRecipes.InMemory;
using MusicRecipes.Testing;

namespace MusicRecipes.Recipes.Tests.Infrastructure.InMemory;

/// <summary>
/// The in-memory backend for the recipe suites: a fresh 3-site cluster per test, with a short session timeout so
/// expiry-driven tests stay fast (every fault is injected for real: sessions expire, quorums fail, hints replay).
/// </summary>
public sealed class InMemoryRecipeBackend() :
    InMemoryTestCluster(new InMemoryClusterOptions { SessionTimeout = SessionTimeout, ReplicaTimeout = TimeSpan.FromSeconds(2) })
{
    /// <summary>
    /// The session timeout of the test clusters: short, yet long enough that a holder's lease (80 % of it, heartbeats
    /// every sixth) survives the stalls of a loaded 2-core CI machine — with 2 s a stall lost a hold mid-test, and a
    /// waiter then rightly took the lock.
    /// </summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(4);
}
