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
