using MusicRecipes.Recipes.Tests.AbstractTestCases;
using MusicRecipes.Recipes.Tests.Infrastructure.InMemory;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Recipes.Tests.Tests.InMemory;

public sealed class InMemoryMutexTests : MutexTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryLeaderElectionTests : LeaderElectionTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryActivePassiveTests : ActivePassiveTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryBarrierTests : BarrierTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryWorkQueueTests : WorkQueueTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryDistributedLockTests : DistributedLockTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryDistributedReaderWriterAndSemaphoreTests : DistributedReaderWriterAndSemaphoreTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new InMemoryRecipeBackend());
}
