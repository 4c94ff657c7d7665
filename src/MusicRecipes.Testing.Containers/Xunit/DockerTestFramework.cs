using global::Xunit;
using global::Xunit.Abstractions;
using global::Xunit.Sdk;

namespace MusicRecipes.Testing.Containers.Xunit;

/// <summary>
/// An xunit v2 test framework for a test assembly that runs only on Docker: where Docker or the kit's images are
/// missing, every fact and theory of the assembly — inherited ones included, such as the abstract conformance suites
/// whose <c>[Fact]</c>s cannot become <see cref="DockerFactAttribute"/>s — is reported skipped with the reason.
/// Elsewhere it is xunit's own framework.
/// </summary>
/// <example>
/// <code>
/// [assembly: Xunit.TestFramework("MusicRecipes.Testing.Containers.Xunit.DockerTestFramework", "MusicRecipes.Testing.Containers")]
/// </code>
/// </example>
public sealed class DockerTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <inheritdoc />
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new SkippingDiscoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class SkippingDiscoverer(IAssemblyInfo assembly, ISourceInformationProvider sources, IMessageSink sink)
        : XunitTestFrameworkDiscoverer(assembly, sources, sink)
    {
        private int _announced;

        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (!testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any()
                || DockerAvailability.SkipReason(ContainerImages.ZooKeeper, ContainerImages.Cassandra) is not { } reason)
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }

            if (Interlocked.Exchange(ref _announced, 1) == 0)
            {
                // Shown by the runner where diagnostic messages are on (the test project's xunit.runner.json).
                DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"*** CONTAINER TESTS SKIPPED: {reason}"));
            }

            var skipped = new XunitSkippedDataRowTestCase(
                DiagnosticMessageSink,
                discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod,
                "Docker: " + reason);
            return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
        }
    }
}
