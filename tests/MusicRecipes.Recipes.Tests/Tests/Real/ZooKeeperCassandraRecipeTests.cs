using MusicRecipes.Testing;
using MusicRecipes.Recipes.Tests.AbstractTestCases;
using MusicRecipes.Recipes.Tests.Infrastructure.Real;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Recipes.Tests.Tests.Real;

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperCassandraMutexTests(RealBackendServers servers) : MutexTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new ZooKeeperCassandraRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperCassandraLeaderElectionTests(RealBackendServers servers) : LeaderElectionTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new ZooKeeperCassandraRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperCassandraActivePassiveTests(RealBackendServers servers) : ActivePassiveTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new ZooKeeperCassandraRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperCassandraBarrierTests(RealBackendServers servers) : BarrierTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new ZooKeeperCassandraRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperCassandraWorkQueueTests(RealBackendServers servers) : WorkQueueTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new ZooKeeperCassandraRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperCassandraDistributedLockTests(RealBackendServers servers) : DistributedLockTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new ZooKeeperCassandraRecipeBackend(servers));
}

[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperCassandraDistributedReaderWriterAndSemaphoreTests(RealBackendServers servers) : DistributedReaderWriterAndSemaphoreTestCases
{
    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new ZooKeeperCassandraRecipeBackend(servers));
}
