using MusicRecipes.Testing;
using MusicRecipes.Recipes.Tests.AbstractTestCases;
using MusicRecipes.Recipes.Tests.Infrastructure.Real;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Recipes.Tests.Tests.Real;

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLocksMutexTests(RealBackendServers servers) : MutexTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new CassandraLocksRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLocksLeaderElectionTests(RealBackendServers servers) : LeaderElectionTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new CassandraLocksRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLocksActivePassiveTests(RealBackendServers servers) : ActivePassiveTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new CassandraLocksRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLocksBarrierTests(RealBackendServers servers) : BarrierTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new CassandraLocksRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLocksWorkQueueTests(RealBackendServers servers) : WorkQueueTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new CassandraLocksRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLocksDistributedLockTests(RealBackendServers servers) : DistributedLockTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new CassandraLocksRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraLocksDistributedReaderWriterAndSemaphoreTests(RealBackendServers servers) : DistributedReaderWriterAndSemaphoreTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new CassandraLocksRecipeBackend(servers));
}
