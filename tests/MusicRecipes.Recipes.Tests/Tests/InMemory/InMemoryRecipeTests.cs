using MusicRecipes.Recipes.Tests.AbstractTestCases;
using MusicRecipes.Recipes.Tests.Infrastructure.InMemory;

namespace MusicRecipes.Recipes.Tests.Tests.InMemory;

public sealed class InMemoryMutexTests : MutexTestCases
{
    protected override Task<IRecipeTestBackend> CreateBackendAsync() => Task.FromResult<IRecipeTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryLeaderElectionTests : LeaderElectionTestCases
{
    protected override Task<IRecipeTestBackend> CreateBackendAsync() => Task.FromResult<IRecipeTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryActivePassiveTests : ActivePassiveTestCases
{
    protected override Task<IRecipeTestBackend> CreateBackendAsync() => Task.FromResult<IRecipeTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryBarrierTests : BarrierTestCases
{
    protected override Task<IRecipeTestBackend> CreateBackendAsync() => Task.FromResult<IRecipeTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryWorkQueueTests : WorkQueueTestCases
{
    protected override Task<IRecipeTestBackend> CreateBackendAsync() => Task.FromResult<IRecipeTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryDistributedLockTests : DistributedLockTestCases
{
    protected override Task<IRecipeTestBackend> CreateBackendAsync() => Task.FromResult<IRecipeTestBackend>(new InMemoryRecipeBackend());
}

public sealed class InMemoryDistributedReaderWriterAndSemaphoreTests : DistributedReaderWriterAndSemaphoreTestCases
{
    protected override Task<IRecipeTestBackend> CreateBackendAsync() => Task.FromResult<IRecipeTestBackend>(new InMemoryRecipeBackend());
}
