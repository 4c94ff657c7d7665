using Microsoft.Extensions.Options;

namespace MusicRecipes.Hosting;

/// <summary>The rules of <see cref="MusicOptions"/> that involve more than one setting, each message naming the settings.</summary>
internal sealed class MusicOptionsRulesValidator : IValidateOptions<MusicOptions>
{
    public ValidateOptionsResult Validate(string? name, MusicOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.InMemory.Site >= options.InMemory.Sites)
        {
            failures.Add($"Music:InMemory:Site ({options.InMemory.Site}) must be below Music:InMemory:Sites ({options.InMemory.Sites}); sites count from 0.");
        }

        if (options.Resilience.MaxDelay < options.Resilience.BaseDelay)
        {
            failures.Add($"Music:Resilience:MaxDelay ({options.Resilience.MaxDelay}) must not be below Music:Resilience:BaseDelay ({options.Resilience.BaseDelay}).");
        }

        if (options.DataStoreKind == "Cassandra" && options.Cassandra.ContactPointList.Count == 0)
        {
            failures.Add("Music:Cassandra:ContactPoints is required for the Cassandra backend (for example [\"10.0.1.1\", \"10.0.1.2\"], this site's nodes first).");
        }

        if (options.LockStoreKind == "ZooKeeper" && string.IsNullOrWhiteSpace(options.ZooKeeper.ConnectionString))
        {
            failures.Add("Music:ZooKeeper:ConnectionString is required for ZooKeeper locks (for example \"zk1:2181,zk2:2181,zk3:2181/music\").");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
