namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>One injected fault: what, on which target, from when until it was repaired (run-clock timestamps).</summary>
/// <param name="Kind">What was done.</param>
/// <param name="Target">To what, e.g. "zookeeper1 (leader)" or "s2-mutex".</param>
/// <param name="StartedAt">When the fault began.</param>
/// <param name="EndedAt">When it was repaired (or given up on).</param>
/// <param name="Unrepaired">Why the repair failed, if it did: a server that never came back fails the run.</param>
internal sealed record FaultRecord(FaultKind Kind, string Target, long StartedAt, long EndedAt, string? Unrepaired = null);
