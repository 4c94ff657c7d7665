using MusicRecipes.Testing;
using MusicRecipes.Conformance;
using MusicRecipes.Testing.Backends;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperConformanceTests(ZooKeeperEnsembleFixture fixture) : MusicConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperPartialWriteTests(ZooKeeperEnsembleFixture fixture) : PartialWriteConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperRandomizedConcurrencyTests(ZooKeeperEnsembleFixture fixture, ITestOutputHelper output) : RandomizedConcurrencyTests(output)
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperGuaranteedReleaseTests(ZooKeeperEnsembleFixture fixture) : GuaranteedReleaseConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperLockPathFaultTests(ZooKeeperEnsembleFixture fixture) : LockPathFaultConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperLossFirstTests(ZooKeeperEnsembleFixture fixture, ITestOutputHelper output) : LossFirstConformanceTests(output)
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperSharedTicketTests(ZooKeeperEnsembleFixture fixture, ITestOutputHelper output) : SharedTicketConformanceTests(output)
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}
