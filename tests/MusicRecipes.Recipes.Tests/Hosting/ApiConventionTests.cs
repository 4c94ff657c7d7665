using System.Reflection;
using MusicRecipes.Hosting;
using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>API conventions of the recipe and hosting assemblies (as DistributedLock's ApiTest enforces them).</summary>
public sealed class ApiConventionTests
{
    private static readonly Assembly[] Assemblies =
    {
        typeof(MusicLeaderElection).Assembly,
        typeof(MusicOptions).Assembly,
        typeof(CassandraBackendOptions).Assembly,
        typeof(ZooKeeperBackendOptions).Assembly,
    };

    /// <summary>Public classes designed for inheritance, by name.</summary>
    private static readonly HashSet<string> DesignedForInheritance = new(StringComparer.Ordinal)
    {
        "MusicLeaderService",
        "MusicActivePassiveService`1",
        "MusicDistributedPrimitive", // the lock's and the semaphore's common acquire forms; only they derive from it (private protected constructor)
    };

    [Fact]
    public void Public_classes_are_sealed_static_or_designed_for_inheritance()
    {
        var offenders = Assemblies.SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && !t.IsSealed && !(t.IsAbstract && t.IsSealed) && !DesignedForInheritance.Contains(t.Name))
            .Select(t => t.FullName)
            .ToArray();
        Assert.Empty(offenders);
        Assert.All(DesignedForInheritance, name => Assert.Contains(Assemblies.SelectMany(a => a.GetExportedTypes()), t => t.Name == name && t.IsAbstract));
    }

    [Fact]
    public void Public_async_methods_take_a_cancellation_token()
    {
        var offenders = Assemblies.SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => typeof(Task).IsAssignableFrom(m.ReturnType) && m.Name.EndsWith("Async", StringComparison.Ordinal))
            .Where(m => m.GetParameters().All(p => p.ParameterType != typeof(CancellationToken)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToArray();
        Assert.Empty(offenders);
    }
}
