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

    /// <summary>Span and metric tag: the key of an operation.</summary>
    public const string KeyTag = "music.key";

    /// <summary>Span tag: the keys of a ticket, comma-separated.</summary>
    public const string KeysTag = "music.keys";

    /// <summary>Span tag: a ticket's ordinal, the high part of its fencing timestamps.</summary>
    public const string OrdinalTag = "music.ordinal";

    /// <summary>Span tag: the consistency level of a data-store operation.</summary>
    public const string ConsistencyTag = "music.consistency";

    /// <summary>Span and metric tag: the client's site.</summary>
    public const string SiteTag = "music.site";

    /// <summary>Span tag: a ticket's id.</summary>
    public const string TicketTag = "music.ticket";

    /// <summary>Span tag: a ticket's mode (exclusive, shared, permits).</summary>
    public const string ModeTag = "music.mode";

    /// <summary>Span and metric tag: the MUSIC operation.</summary>
    public const string OperationTag = "music.operation";
}
