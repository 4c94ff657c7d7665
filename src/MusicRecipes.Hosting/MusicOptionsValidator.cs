using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MusicRecipes.Hosting;

/// <summary>
/// Checks each setting of <see cref="MusicOptions"/> against its attributes (<see cref="MusicOptionsAttributeValidator"/>,
/// source-generated) and names every bad setting as configuration spells it: <c>MusicOptions.Cassandra.Port</c> is
/// reported as <c>Music:Cassandra:Port</c>.
/// </summary>
internal sealed partial class MusicOptionsValidator : IValidateOptions<MusicOptions>
{
    private readonly MusicOptionsAttributeValidator _attributes = new();

    public ValidateOptionsResult Validate(string? name, MusicOptions options)
    {
        var result = _attributes.Validate(name, options);
        return result.Failed
            ? ValidateOptionsResult.Fail(result.Failures!.Select(f => MemberPath().Replace(f, m => "Music:" + m.Groups[1].Value.Replace('.', ':'))))
            : result;
    }

    [GeneratedRegex(@"MusicOptions\.([A-Za-z.]+[A-Za-z])")]
    private static partial Regex MemberPath();
}
