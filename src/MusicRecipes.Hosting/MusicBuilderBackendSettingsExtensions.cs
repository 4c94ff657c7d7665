using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MusicRecipes.Hosting;

/// <summary>For backend packages: a backend's settings, registered the way every MUSIC backend's are.</summary>
/// <example>
/// <code>
/// public static IMusicBuilder UseMyLocks(this IMusicBuilder builder, Action&lt;MyBackendOptions&gt;? configure = null)
/// {
///     if (builder.AddBackendSettings("Music:MyBackend", new MyBackendOptionsAttributeValidator(), new MyBackendRules(), configure))
///     {
///         builder.Services.TryAddSingleton&lt;MyConnection&gt;(); // once, however often the backend is chosen
///     }
///
///     builder.Services.Configure&lt;MusicOptions&gt;(o => o.UseLockStore(CreateLockStoreAsync));
///     return builder;
/// }
/// </code>
/// </example>
public static class MusicBuilderBackendSettingsExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> once: bound from <paramref name="section"/> of the host's configuration
    /// (if it has one), checked when the host starts by <paramref name="attributes"/> (bad settings named as configuration
    /// spells them, see <see cref="MusicSettingsValidator{TOptions}"/>) and <paramref name="rules"/>; then adds
    /// <paramref name="configure"/>, which runs after the binding (code wins over configuration).
    /// </summary>
    /// <returns>True the first time, when the backend should register its other services too.</returns>
    public static bool AddBackendSettings<TOptions>(
        this IMusicBuilder builder,
        string section,
        IValidateOptions<TOptions> attributes,
        IValidateOptions<TOptions> rules,
        Action<TOptions>? configure)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(rules);
        var services = builder.Services;
        var first = !services.Any(d => d.ServiceType == typeof(IValidateOptions<TOptions>) && d.ImplementationInstance is MusicSettingsValidator<TOptions>);
        if (first)
        {
            var options = services.AddOptions<TOptions>();
            if (services.Any(d => d.ServiceType == typeof(IConfiguration)))
            {
                options.BindConfiguration(section);
            }

            options.ValidateOnStart();
            services.AddSingleton<IValidateOptions<TOptions>>(new MusicSettingsValidator<TOptions>(attributes, section));
            services.AddSingleton(rules);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return first;
    }
}
