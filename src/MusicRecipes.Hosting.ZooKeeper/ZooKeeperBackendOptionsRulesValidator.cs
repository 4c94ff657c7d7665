using Microsoft.Extensions.Options;

namespace MusicRecipes.Hosting;

/// <summary>The rules of <see cref="ZooKeeperBackendOptions"/> beyond one attribute, each message naming the setting.</summary>
internal sealed class ZooKeeperBackendOptionsRulesValidator : IValidateOptions<ZooKeeperBackendOptions>
{
    public ValidateOptionsResult Validate(string? name, ZooKeeperBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail("Music:ZooKeeper:ConnectionString is required for ZooKeeper locks (for example \"zk1:2181,zk2:2181,zk3:2181/music\").")
            : ValidateOptionsResult.Success;
    }
}
