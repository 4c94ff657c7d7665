using Microsoft.Extensions.Options;

namespace MusicRecipes.Hosting;

/// <summary>The rules of <see cref="CassandraBackendOptions"/> beyond one attribute, each message naming the setting.</summary>
internal sealed class CassandraBackendOptionsRulesValidator : IValidateOptions<CassandraBackendOptions>
{
    public ValidateOptionsResult Validate(string? name, CassandraBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ContactPointList.Count == 0
            ? ValidateOptionsResult.Fail("Music:Cassandra:ContactPoints is required for the Cassandra backend (for example [\"10.0.1.1\", \"10.0.1.2\"], this site's nodes first).")
            : ValidateOptionsResult.Success;
    }
}
