using System.Text.Json;
using System.Text.Json.Serialization;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Worker.Reporting;

/// <summary>
/// One line a worker writes to its stdout, as JSON: a fact about its client for the harness to put into the run's
/// histories. Times are <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> values — CLOCK_MONOTONIC on Linux,
/// one clock for every process of the machine — so the harness compares them with its own and other workers' directly.
/// </summary>
internal sealed record WorkerEvent
{
    /// <summary>How the lines are encoded (camelCase, enums by name, nulls left out).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public required WorkerEventType Type { get; init; }

    public string? Key { get; init; }

    public long? Ordinal { get; init; }

    public long? At { get; init; }

    public long? InvokedAt { get; init; }

    public long? Value { get; init; }

    public bool? Ok { get; init; }

    public bool? Clean { get; init; }

    public string? Reason { get; init; }

    public OperationRecord? Operation { get; init; }

    public long? SessionId { get; init; }

    public byte[]? SessionPassword { get; init; }

    public string ToLine() => JsonSerializer.Serialize(this, Json);

    public static WorkerEvent FromLine(string line) =>
        JsonSerializer.Deserialize<WorkerEvent>(line, Json) ?? throw new JsonException("An empty worker event: " + line);
}
