using MusicRecipes;

namespace OpenTelemetry.Metrics;

/// <summary>Enables MusicRecipes metrics in an OpenTelemetry meter provider.</summary>
/// <example>
/// <code>
/// using var metrics = Sdk.CreateMeterProviderBuilder().AddMusicRecipesInstrumentation().AddOtlpExporter().Build();
/// </code>
/// </example>
public static class MusicMeterProviderBuilderExtensions
{
    /// <summary>Adds the meter named <see cref="MusicDiagnostics.Name"/>.</summary>
    public static MeterProviderBuilder AddMusicRecipesInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(MusicDiagnostics.Name);
    }
}
