namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>One injected fault: what, on which target, from when until it was repaired (run-clock timestamps).</summary>
internal sealed record FaultRecord(FaultKind Kind, string Target, long StartedAt, long EndedAt);
