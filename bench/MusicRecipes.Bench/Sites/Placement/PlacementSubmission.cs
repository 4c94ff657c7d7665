using MusicRecipes.Testing.History;

namespace MusicRecipes.Bench;

/// <summary>One submission of a placement run (Stopwatch timestamps).</summary>
/// <param name="Site">The producer's site.</param>
/// <param name="Payload">What was submitted (unique in the run).</param>
/// <param name="Phase">"steady", "cut" or "backlog".</param>
/// <param name="StartedAt">When the producer started it.</param>
/// <param name="LatencyMs">How long it took to return or give up.</param>
/// <param name="Outcome">Acknowledged when it returned; Indeterminate when it failed or timed out (it may still land).</param>
/// <param name="Item">The id the queue gave it, when it returned one.</param>
internal sealed record PlacementSubmission(int Site, string Payload, string Phase, long StartedAt, double LatencyMs, OperationOutcome Outcome, string? Item);
