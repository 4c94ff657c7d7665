// Every test here needs Docker and the kit's images: where they are missing, the framework reports each test skipped
// with the reason (the inherited conformance facts included), so a machine without Docker still passes.
[assembly: Xunit.TestFramework("MusicRecipes.Testing.Containers.Xunit.DockerTestFramework", "MusicRecipes.Testing.Containers")]

// One set of containers for the whole project, and two shared cores: the tests take turns.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
