using System.Diagnostics;

namespace MusicRecipes.Cql;

/// <summary>
/// The client's tracing spans. The source is named "MusicRecipes" like the rest of the library (docs/design.md §5),
/// but is its own instance because this project does not depend on Core.
/// </summary>
internal static class CqlTelemetry
{
    public static readonly ActivitySource Source = new("MusicRecipes");
}
