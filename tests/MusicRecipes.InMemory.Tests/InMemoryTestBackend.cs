using MusicRecipes.Testing;

namespace MusicRecipes.InMemory.Tests;

/// <summary>
/// The in-memory backend for the conformance suites: a fresh 3-site cluster per test class instance, with every fault of
/// the test kit. Timeouts leave room for a loaded CI machine (a session must not expire because the thread pool was
/// slow to send a heartbeat).
/// </summary>
public sealed class InMemoryTestBackend() :
    InMemoryTestCluster(new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromSeconds(3), ReplicaTimeout = TimeSpan.FromSeconds(1) });
