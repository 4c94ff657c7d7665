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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
