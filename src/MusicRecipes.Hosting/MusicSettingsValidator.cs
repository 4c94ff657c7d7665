using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MusicRecipes.Hosting;

/// <summary>
/// For backend packages: runs an options type's attribute checks (a validator generated with <c>[OptionsValidator]</c>)
/// and names every bad setting as configuration spells it: with section <c>Music:Cassandra</c>,
/// <c>CassandraBackendOptions.Tls.HostName</c> is reported as <c>Music:Cassandra:Tls:HostName</c>.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <example>
/// <code>
/// [OptionsValidator]
/// internal sealed partial class MyBackendOptionsAttributeValidator : IValidateOptions&lt;MyBackendOptions&gt;;
///
/// services.AddSingleton&lt;IValidateOptions&lt;MyBackendOptions&gt;&gt;(
///     new MusicSettingsValidator&lt;MyBackendOptions&gt;(new MyBackendOptionsAttributeValidator(), "Music:MyBackend"));
/// </code>
/// </example>
public sealed class MusicSettingsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly IValidateOptions<TOptions> _attributes;
    private readonly string _section;
    private readonly Regex _memberPath;

    /// <summary>Creates the validator.</summary>
    /// <param name="attributes">The generated attribute validator of <typeparamref name="TOptions"/>.</param>
    /// <param name="section">The configuration section <typeparamref name="TOptions"/> is bound from, e.g. <c>Music:Cassandra</c>.</param>
    public MusicSettingsValidator(IValidateOptions<TOptions> attributes, string section)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        _attributes = attributes;
        _section = section;
        _memberPath = new Regex(Regex.Escape(typeof(TOptions).Name) + @"\.([A-Za-z.]+[A-Za-z])", RegexOptions.CultureInvariant);
    }

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var result = _attributes.Validate(name, options);
        return result.Failed
            ? ValidateOptionsResult.Fail(result.Failures!.Select(f => _memberPath.Replace(f, m => _section + ":" + m.Groups[1].Value.Replace('.', ':'))))
            : result;
    }
}
