using MusicRecipes.Conformance;
using MusicRecipes.Testing.Backends;
using Xunit.Abstractions;

namespace MusicRecipes.InMemory.Tests;

public sealed class InMemoryConformanceTests : MusicConformanceTests
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;
}

public sealed class InMemoryPartialWriteTests : PartialWriteConformanceTests
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;
}

public sealed class InMemoryRandomizedConcurrencyTests(ITestOutputHelper output) : RandomizedConcurrencyTests(output)
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;
}

public sealed class InMemoryGuaranteedReleaseTests : GuaranteedReleaseConformanceTests
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;
}

public sealed class InMemoryLockPathFaultTests : LockPathFaultConformanceTests
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;
}

public sealed class InMemoryLossFirstTests(ITestOutputHelper output) : LossFirstConformanceTests(output)
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;
}

public sealed class InMemoryLockStoreTests : LockStoreConformanceTests
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;
}

public sealed class InMemorySharedTicketTests(ITestOutputHelper output) : SharedTicketConformanceTests(output)
{
    private readonly InMemoryTestBackend _backend = new();

    protected override IMusicTestBackend Backend => _backend;
}
