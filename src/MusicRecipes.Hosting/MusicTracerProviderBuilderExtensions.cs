using MusicRecipes;

namespace OpenTelemetry.Trace;

/// <summary>Enables MusicRecipes traces (MUSIC operations and recipe steps) in an OpenTelemetry tracer provider.</summary>
/// <example>
/// <code>
/// using var tracing = Sdk.CreateTracerProviderBuilder().AddMusicRecipesInstrumentation().AddOtlpExporter().Build();
/// </code>
/// </example>
public static class MusicTracerProviderBuilderExtensions
{
    /// <summary>Adds the activity source named <see cref="MusicDiagnostics.Name"/>.</summary>
    public static TracerProviderBuilder AddMusicRecipesInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(MusicDiagnostics.Name);
    }
}
