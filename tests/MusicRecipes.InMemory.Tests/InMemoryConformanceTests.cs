using MusicRecipes.Locking;
using MusicRecipes.Conformance;
using Xunit.Abstractions;

namespace MusicRecipes.InMemory.Tests;

public sealed class InMemoryConformanceTests : MusicConformanceTests
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

public sealed class InMemoryPartialWriteTests : PartialWriteConformanceTests
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;

    protected override IPartialWriteFaults Faults => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

public sealed class InMemoryRandomizedConcurrencyTests(ITestOutputHelper output) : RandomizedConcurrencyTests(output)
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;

    protected override IPartitionFaults Partitions => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

public sealed class InMemoryGuaranteedReleaseTests : GuaranteedReleaseConformanceTests
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;

    protected override IPartitionFaults Partitions => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

public sealed class InMemoryLockPathFaultTests : LockPathFaultConformanceTests
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

public sealed class InMemoryLossFirstTests(ITestOutputHelper output) : LossFirstConformanceTests(output)
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;

    protected override ISilentPartitionFaults Stalls => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

public sealed class InMemoryLockStoreTests : LockStoreConformanceTests, ILockStoreTestBackend
{
    private readonly InMemoryMusicCluster _cluster = new(sites: 3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromSeconds(3) });
    private int _nextSite;

    protected override ILockStoreTestBackend Backend => this;

    public Task<ILockStore> CreateStoreAsync() => Task.FromResult(_cluster.CreateLockStore(Interlocked.Increment(ref _nextSite) % _cluster.SiteCount));

    public Task ExpireSessionAsync(ILockStore store)
    {
        _cluster.ExpireSession(store);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _cluster.DisposeAsync();
    }
}
