using Microsoft.Extensions.Options;

namespace MusicRecipes.Hosting;

/// <summary>The attribute checks of <see cref="CassandraBackendOptions"/>, generated at build time (no reflection).</summary>
[OptionsValidator]
internal sealed partial class CassandraBackendOptionsAttributeValidator : IValidateOptions<CassandraBackendOptions>
{
}
