namespace MusicRecipes;

/// <summary>
/// The names under which MusicRecipes reports traces and metrics: one <c>ActivitySource</c> and one <c>Meter</c>,
/// both named <see cref="Name"/> (docs/design.md §5).
/// </summary>
/// <example>
/// <code>
/// using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(MusicDiagnostics.Name).Build();
/// using var meter = Sdk.CreateMeterProviderBuilder().AddMeter(MusicDiagnostics.Name).Build();
/// </code>
/// </example>
public static class MusicDiagnostics
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "MusicRecipes";
}
